import { useState } from 'react';
import { ALERT_GROUP_BY, ALERT_METRICS, RULE_EVENTS, type ApiError, type Channel, type Project, type Rule, type RuleEvent } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { humanize } from '../common/format';
import { describeTrigger, emptyRuleForm, formatDurationInput, ruleRequest, type RuleForm, type TriggerType } from './alert-forms';

const TRIGGER_LABELS: Readonly<Record<TriggerType, string>> = { events: 'Events', log_pattern: 'Log pattern', metric: 'Metric threshold' };

/** Alert rules: the list (enable, remove) and the form to add one. */
export function RulesPanel({ rules, channels, projects, onChanged }: { rules: readonly Rule[]; channels: readonly Channel[]; projects: readonly Project[]; onChanged: () => void }) {
  const api = useApi();
  const [form, setForm] = useState<RuleForm>(emptyRuleForm);
  const [error, setError] = useState<ApiError | string | null>(null);
  const update = (patch: Partial<RuleForm>) => setForm((current) => ({ ...current, ...patch }));
  const channelName = (id: string) => channels.find((channel) => channel.id === id)?.name ?? id;
  const projectName = (id: string | null) => (id === null ? 'All projects' : (projects.find((project) => project.id === id)?.name ?? id));

  const add = async () => {
    const request = ruleRequest(form);
    if (!request.ok) return setError(`${request.field}: ${request.message}`);
    const result = await api.request('createAlertRule', request.input);
    if (!result.ok) return setError(result.error);
    setError(null);
    setForm(emptyRuleForm());
    onChanged();
  };

  const toggle = async (rule: Rule) => {
    const result = await api.request('updateAlertRule', { id: rule.id, enabled: !rule.enabled });
    if (!result.ok) return setError(result.error);
    onChanged();
  };

  const remove = async (rule: Rule) => {
    const result = await api.request('deleteAlertRule', { id: rule.id });
    if (!result.ok) return setError(result.error);
    onChanged();
  };

  const toggleEvent = (event: RuleEvent) => update({ events: form.events.includes(event) ? form.events.filter((candidate) => candidate !== event) : [...form.events, event] });

  return (
    <section className="panel" aria-labelledby="rules-heading">
      <div className="panel-heading">
        <h3 id="rules-heading">Rules</h3>
      </div>
      {error ? <ErrorNotice action="Rules:" error={error} onDismiss={() => setError(null)} /> : null}
      <table className="runs-table" aria-label="Alert rules">
        <thead>
          <tr>
            <th scope="col">On</th>
            <th scope="col">Name</th>
            <th scope="col">Scope</th>
            <th scope="col">When</th>
            <th scope="col">Cooldown</th>
            <th scope="col">Sends to</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) => (
            <tr key={rule.id}>
              <td>
                <input type="checkbox" checked={rule.enabled} onChange={() => void toggle(rule)} aria-label={`Rule ${rule.name} enabled`} />
              </td>
              <td>{rule.name}</td>
              <td>{projectName(rule.projectId)}</td>
              <td className="wrap">{describeTrigger(rule.trigger)}</td>
              <td className="mono">
                {formatDurationInput(rule.cooldownMs)} per {rule.groupBy}
              </td>
              <td>{rule.channelIds.length ? rule.channelIds.map(channelName).join(', ') : <span className="muted">nowhere (its channels were removed)</span>}</td>
              <td>
                <button type="button" className="button subtle small" onClick={() => void remove(rule)} aria-label={`Remove rule ${rule.name}`}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form
        className="alert-form"
        aria-label="Add a rule"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <div className="field-row">
          <label className="field">
            <span>Name</span>
            <input value={form.name} onChange={(event) => update({ name: event.target.value })} placeholder="Crashes to Slack" />
          </label>
          <label className="field">
            <span>Projects</span>
            <select value={form.projectId} onChange={(event) => update({ projectId: event.target.value })}>
              <option value="">All projects</option>
              {projects.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>When</span>
            <select value={form.type} onChange={(event) => update({ type: event.target.value as TriggerType })}>
              {(Object.keys(TRIGGER_LABELS) as TriggerType[]).map((type) => (
                <option key={type} value={type}>
                  {TRIGGER_LABELS[type]}
                </option>
              ))}
            </select>
          </label>
        </div>
        {form.type === 'events' ? (
          <>
            <fieldset className="checkbox-list">
              <legend>Events</legend>
              {RULE_EVENTS.map((event) => (
                <label key={event} className="inline">
                  <input type="checkbox" checked={form.events.includes(event)} onChange={() => toggleEvent(event)} /> {humanize(event)}
                </label>
              ))}
            </fieldset>
            <div className="field-row">
              <label className="field">
                <span>A crash loop is this many crashes…</span>
                <input inputMode="numeric" value={form.loopCrashes} onChange={(event) => update({ loopCrashes: event.target.value })} />
              </label>
              <label className="field">
                <span>…within</span>
                <input value={form.loopWindow} onChange={(event) => update({ loopWindow: event.target.value })} />
              </label>
            </div>
          </>
        ) : null}
        {form.type === 'log_pattern' ? (
          <div className="field-row">
            <label className="field">
              <span>Pattern (RE2)</span>
              <input className="mono" value={form.pattern} onChange={(event) => update({ pattern: event.target.value })} placeholder="ERROR|panic:" />
            </label>
            <label className="inline checkbox-field">
              <input type="checkbox" checked={form.caseSensitive} onChange={(event) => update({ caseSensitive: event.target.checked })} /> Case-sensitive
            </label>
            <label className="field">
              <span>At least this many matches…</span>
              <input inputMode="numeric" value={form.minMatches} onChange={(event) => update({ minMatches: event.target.value })} />
            </label>
            <label className="field">
              <span>…within</span>
              <input value={form.matchWindow} onChange={(event) => update({ matchWindow: event.target.value })} />
            </label>
          </div>
        ) : null}
        {form.type === 'metric' ? (
          <div className="field-row">
            <label className="field">
              <span>Metric</span>
              <select value={form.metric} onChange={(event) => update({ metric: event.target.value as RuleForm['metric'] })}>
                {ALERT_METRICS.map((metric) => (
                  <option key={metric} value={metric}>
                    {metric === 'cpu' ? 'CPU (% of one core)' : 'Memory (% of its limit)'}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Above (%)</span>
              <input inputMode="decimal" value={form.above} onChange={(event) => update({ above: event.target.value })} />
            </label>
            <label className="field">
              <span>For</span>
              <input value={form.forDuration} onChange={(event) => update({ forDuration: event.target.value })} />
            </label>
          </div>
        ) : null}
        <div className="field-row">
          <label className="field">
            <span>Cooldown</span>
            <input value={form.cooldown} onChange={(event) => update({ cooldown: event.target.value })} />
            <small className="field-hint">After an alert, the same alert waits this long (recoveries never wait).</small>
          </label>
          <label className="field">
            <span>Counted per</span>
            <select value={form.groupBy} onChange={(event) => update({ groupBy: event.target.value as RuleForm['groupBy'] })}>
              {ALERT_GROUP_BY.map((groupBy) => (
                <option key={groupBy} value={groupBy}>
                  {groupBy}
                </option>
              ))}
            </select>
          </label>
        </div>
        <fieldset className="checkbox-list">
          <legend>Send to</legend>
          {channels.length === 0 ? <p className="muted">Add a channel first.</p> : null}
          {channels.map((channel) => (
            <label key={channel.id} className="inline">
              <input
                type="checkbox"
                checked={form.channelIds.includes(channel.id)}
                onChange={() => update({ channelIds: form.channelIds.includes(channel.id) ? form.channelIds.filter((id) => id !== channel.id) : [...form.channelIds, channel.id] })}
              />{' '}
              {channel.name}
            </label>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button primary">
            Add rule
          </button>
        </div>
      </form>
    </section>
  );
}
