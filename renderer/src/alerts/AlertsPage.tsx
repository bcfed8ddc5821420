import { useCallback, useEffect, useState } from 'react';
import type { ApiError, Channel, Delivery, Project, Rule } from '../../../shared';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { useLoadAndRefreshOnFocus } from '../common/use-load';
import { AnalysisSettingsPanel } from '../analysis/AnalysisSettingsPanel';
import { RouteLink } from '../routing/RouteLink';
import { ChannelsPanel } from './ChannelsPanel';
import { DeliveryHistory } from './DeliveryHistory';
import { RulesPanel } from './RulesPanel';
import './alerts.css';

/** While the page is open, the history is read again this often (deliveries retry in the background). */
const HISTORY_REFRESH_MS = 5000;

/** Alerts & analysis: channels, rules, the delivery history, and the chat endpoint that Analyze uses. */
export function AlertsPage() {
  const api = useApi();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [rules, setRules] = useState<Rule[]>([]);
  const [projects, setProjects] = useState<Project[]>([]);
  const [history, setHistory] = useState<Delivery[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  const loadHistory = useCallback(async () => {
    const result = await api.request('listAlertHistory', { limit: 100 });
    if (result.ok) setHistory(result.value);
  }, [api]);

  const load = useCallback(async () => {
    const [channelResult, ruleResult, projectResult] = await Promise.all([api.request('listAlertChannels', {}), api.request('listAlertRules', {}), api.request('listProjects', {})]);
    const failed = [channelResult, ruleResult, projectResult].find((result) => !result.ok);
    if (failed && !failed.ok) return setError(failed.error);
    setError(null);
    if (channelResult.ok) setChannels(channelResult.value);
    if (ruleResult.ok) setRules(ruleResult.value);
    if (projectResult.ok) setProjects(projectResult.value);
    await loadHistory();
  }, [api, loadHistory]);

  useLoadAndRefreshOnFocus(load);
  useEffect(() => {
    const timer = window.setInterval(() => void loadHistory(), HISTORY_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [loadHistory]);

  useEffect(() => {
    document.title = 'Alerts & analysis — Berth';
  }, []);

  return (
    <section className="page alerts-page" aria-labelledby="alerts-heading">
      <p className="breadcrumb">
        <RouteLink to={{ name: 'projects' }}>← Projects</RouteLink>
      </p>
      <div className="page-heading">
        <h2 id="alerts-heading">Alerts &amp; analysis</h2>
      </div>
      <p className="muted">
        Rules decide which events, log lines and metrics become alerts, and send them to channels: this computer's notifications, a signed webhook, Slack, Discord or ntfy. A crash loop is one
        alert; a project's “mute notifications” silences its rules.
      </p>
      {error ? <ErrorNotice action="Could not load the alert settings." error={error} /> : null}
      <ChannelsPanel channels={channels} onChanged={() => void load()} onTested={() => void loadHistory()} />
      <RulesPanel rules={rules} channels={channels} projects={projects} onChanged={() => void load()} />
      <DeliveryHistory deliveries={history} />
      <AnalysisSettingsPanel />
    </section>
  );
}
