import { useState } from 'react';
import { CHANNEL_KINDS, type ApiError, type Channel, type ChannelKind, type Delivery } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { CHANNEL_LABELS, channelRequest, emptyChannelForm, type ChannelForm, type SecretSource } from './alert-forms';

const URL_HINTS: Readonly<Record<Exclude<ChannelKind, 'desktop'>, string>> = {
  webhook: 'Berth POSTs JSON and signs it: X-Berth-Signature-256 = sha256=HMAC-SHA256(secret, body).',
  slack: 'A Slack incoming webhook URL (https://hooks.slack.com/services/…).',
  discord: 'A Discord channel webhook URL (https://discord.com/api/webhooks/…).',
  ntfy: 'The topic URL, e.g. https://ntfy.sh/my-berth-alerts.',
};

function SourcePicker({ label, value, onChange }: { label: string; value: SecretSource; onChange: (source: SecretSource) => void }) {
  return (
    <div className="field" role="radiogroup" aria-label={label}>
      <span>{label}</span>
      <label className="inline">
        <input type="radio" checked={value === 'value'} onChange={() => onChange('value')} /> Paste it (sealed by the OS keychain; desktop app only)
      </label>
      <label className="inline">
        <input type="radio" checked={value === 'env'} onChange={() => onChange('env')} /> An environment variable of the engine
      </label>
    </div>
  );
}

/** Alert channels: the list with "Send test" and remove, and the form to add one. */
export function ChannelsPanel({ channels, onChanged, onTested }: { channels: readonly Channel[]; onChanged: () => void; onTested: (delivery: Delivery) => void }) {
  const api = useApi();
  const defaultSource: SecretSource = api.transport === 'http' ? 'env' : 'value';
  const [form, setForm] = useState<ChannelForm>(() => emptyChannelForm(defaultSource));
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [tested, setTested] = useState<ReadonlyMap<string, Delivery>>(new Map());
  const update = (patch: Partial<ChannelForm>) => setForm((current) => ({ ...current, ...patch }));

  const add = async () => {
    const request = channelRequest(form);
    if (!request.ok) return setError(`${request.field}: ${request.message}`);
    setBusy('add');
    const result = await api.request('createAlertChannel', request.input);
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setError(null);
    setForm(emptyChannelForm(defaultSource));
    onChanged();
  };

  const test = async (channel: Channel) => {
    setBusy(channel.id);
    const result = await api.request('testAlertChannel', { id: channel.id });
    setBusy(null);
    if (!result.ok) return setError(result.error);
    setTested((current) => new Map(current).set(channel.id, result.value));
    onTested(result.value);
  };

  const remove = async (channel: Channel) => {
    const result = await api.request('deleteAlertChannel', { id: channel.id });
    if (!result.ok) return setError(result.error);
    onChanged();
  };

  return (
    <section className="panel" aria-labelledby="channels-heading">
      <div className="panel-heading">
        <h3 id="channels-heading">Channels</h3>
      </div>
      {error ? <ErrorNotice action="Channels:" error={error} onDismiss={() => setError(null)} /> : null}
      <table className="runs-table" aria-label="Alert channels">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Where</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => {
            const last = tested.get(channel.id);
            const attempt = last?.attempts.at(-1);
            return (
              <tr key={channel.id}>
                <td>{channel.name}</td>
                <td>{CHANNEL_LABELS[channel.kind]}</td>
                <td className="mono">
                  {channel.url ? channel.url.hint : 'this computer'}
                  {channel.signingSecret ? <span className="muted"> · signed ({channel.signingSecret.hint})</span> : null}
                  {last ? (
                    <div role="status" data-tone={last.status === 'delivered' ? 'good' : 'bad'}>
                      Test: {last.status}
                      {attempt?.statusCode ? ` (HTTP ${attempt.statusCode})` : ''}
                      {attempt?.error ? ` — ${attempt.error}` : ''}
                    </div>
                  ) : null}
                </td>
                <td className="row-actions">
                  <button type="button" className="button subtle small" disabled={busy === channel.id} onClick={() => void test(channel)} aria-label={`Send a test to ${channel.name}`}>
                    {busy === channel.id ? 'Sending…' : 'Send test'}
                  </button>
                  <button type="button" className="button subtle small" onClick={() => void remove(channel)} aria-label={`Remove channel ${channel.name}`}>
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <form
        className="alert-form"
        aria-label="Add a channel"
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        <div className="field-row">
          <label className="field">
            <span>Kind</span>
            <select value={form.kind} onChange={(event) => update({ kind: event.target.value as ChannelKind })}>
              {CHANNEL_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {CHANNEL_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Name</span>
            <input value={form.name} onChange={(event) => update({ name: event.target.value })} placeholder="Team Slack" />
          </label>
        </div>
        {form.kind !== 'desktop' ? (
          <>
            <SourcePicker label="The URL" value={form.urlSource} onChange={(urlSource) => update({ urlSource })} />
            <label className="field">
              <span>{form.urlSource === 'env' ? 'Environment variable holding the URL' : 'URL'}</span>
              <input
                className="mono"
                type={form.urlSource === 'value' ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                value={form.url}
                placeholder={form.urlSource === 'env' ? 'BERTH_SLACK_URL' : 'https://…'}
                onChange={(event) => update({ url: event.target.value })}
              />
              <small className="field-hint">{URL_HINTS[form.kind]} The URL is a secret: it is never shown again or logged.</small>
            </label>
            {form.kind === 'webhook' ? (
              <>
                <SourcePicker label="The signing secret" value={form.secretSource} onChange={(secretSource) => update({ secretSource })} />
                <label className="field">
                  <span>{form.secretSource === 'env' ? 'Environment variable holding the signing secret' : 'Signing secret (16 characters or more)'}</span>
                  <input className="mono" type={form.secretSource === 'value' ? 'password' : 'text'} autoComplete="off" spellCheck={false} value={form.secret} onChange={(event) => update({ secret: event.target.value })} />
                </label>
              </>
            ) : null}
            {api.transport === 'http' ? <p className="field-hint">Headless Berth keeps no secrets of its own: name environment variables set where `berth serve` runs.</p> : null}
          </>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy === 'add'}>
            Add channel
          </button>
        </div>
      </form>
    </section>
  );
}
