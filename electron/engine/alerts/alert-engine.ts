// The alert engine (docs/architecture.md, "Alerts"): it hears what happens (monitor and pipeline signals,
// committed log lines, stored metric samples, a periodic check), asks each rule what that means for the
// group it falls in (rule-decision.ts, pure), remembers the answer in SQLite, and hands every alert to the
// delivery queue. Nothing here waits on a network: a signal costs a few small SQLite writes.
import { isLiveDeployment, type Delivery, type Deployment, type LogLine } from '../../../shared';
import type { AlertSignal, AlertSignalsPort, DeploymentsPort, ProjectsPort } from '../context';
import { createLogger } from '../logger';
import type { AlertChannelRepository, ChannelRecord } from '../store/alert-channels';
import type { AlertRuleRepository, RuleRecord } from '../store/alert-rules';
import type { AlertStateRepository } from '../store/alert-state';
import type { AlertHistoryRepository } from '../store/alert-history';
import type { NewMetricSample } from '../store/metrics';
import { alertText, type AlertFacts } from './alert-text';
import type { DeliveryQueue } from './delivery-queue';
import { compileLogPattern, type LineMatcher } from './log-pattern';
import { decide, groupKeyFor, parseGroupState, type GroupState, type RuleInput } from './rule-decision';

const log = createLogger('alerts');

/** Alert history older than this is deleted. */
const HISTORY_DAYS = 30;
const HOUR_MS = 3_600_000;

export interface AlertEngineOptions {
  readonly rules: AlertRuleRepository;
  readonly channels: Pick<AlertChannelRepository, 'get'>;
  readonly state: AlertStateRepository;
  readonly history: Pick<AlertHistoryRepository, 'prune'>;
  readonly projects: ProjectsPort;
  readonly deployments: Pick<DeploymentsPort, 'get'>;
  readonly delivery: DeliveryQueue;
  /** How often crash loops are checked for having ended (0: never on a timer). */
  readonly tickMs: number;
  readonly now?: () => number;
}

interface ActiveRule {
  readonly rule: RuleRecord;
  readonly matcher: LineMatcher | null;
}

export class AlertEngine implements AlertSignalsPort {
  private rules: ActiveRule[] | null = null;
  private readonly states = new Map<string, GroupState>();
  private timer: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private readonly now: () => number;

  constructor(private readonly options: AlertEngineOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.options.delivery.start();
    if (this.options.tickMs > 0) {
      this.timer = setInterval(() => this.tick(), this.options.tickMs);
      this.timer.unref();
    }
  }

  /** Stops the periodic check and the sending (tries under way get a moment to be recorded). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.options.delivery.close();
  }

  /** A rule was added, changed or removed: read them again (and forget the counting of a changed trigger). */
  rulesChanged(resetRuleId?: string): void {
    this.rules = null;
    if (resetRuleId) {
      this.options.state.clear(resetRuleId);
      for (const key of [...this.states.keys()]) if (key.startsWith(`${resetRuleId}\u0000`)) this.states.delete(key);
    }
  }

  signal(signal: AlertSignal): void {
    try {
      const project = this.projectOf(signal.deployment);
      if (!project) return;
      const input = inputOf(signal, this.now());
      for (const { rule } of this.activeRules()) {
        if (rule.trigger.type !== 'events' || !appliesTo(rule, signal.deployment)) continue;
        this.apply(rule, signal.deployment, input, factsOf(signal, project.name));
      }
    } catch (error) {
      // Alerting must never break the monitor or the pipeline that reported.
      log.error(`Could not process the ${signal.kind} of ${signal.deployment.id} for alerts`, error);
    }
  }

  /** Committed lines of a deployment: runtime stdout and stderr are matched against log-pattern rules. */
  linesCommitted(deploymentId: string, lines: readonly LogLine[]): void {
    try {
      const rules = this.activeRules().filter((active) => active.matcher !== null);
      if (rules.length === 0) return;
      const deployment = this.options.deployments.get(deploymentId);
      if (!deployment) return;
      const project = this.projectOf(deployment);
      if (!project) return;
      const output = lines.filter((line) => line.source === 'runtime' && line.stream !== 'system');
      if (output.length === 0) return;
      const at = this.now();
      for (const { rule, matcher } of rules) {
        if (!appliesTo(rule, deployment)) continue;
        const matched = output.filter((line) => matcher!(line.text));
        if (matched.length === 0) continue;
        const times = matched.map((line) => Math.min(at, Date.parse(line.ts) || at));
        this.apply(rule, deployment, { type: 'log_matches', at, times, lastText: matched.at(-1)!.text }, { projectName: project.name });
      }
    } catch (error) {
      log.error(`Could not match the lines of ${deploymentId} against log-pattern rules`, error);
    }
  }

  /** Stored metric samples: checked against metric rules. */
  samplesStored(samples: readonly NewMetricSample[]): void {
    try {
      const rules = this.activeRules().filter(({ rule }) => rule.trigger.type === 'metric');
      if (rules.length === 0) return;
      for (const sample of samples) {
        const deployment = this.options.deployments.get(sample.deploymentId);
        if (!deployment) continue;
        const project = this.projectOf(deployment);
        if (!project) continue;
        for (const { rule } of rules) {
          if (rule.trigger.type !== 'metric' || !appliesTo(rule, deployment)) continue;
          const value = rule.trigger.metric === 'cpu' ? sample.cpuPct : sample.memLimitMb > 0 ? (sample.memUsedMb / sample.memLimitMb) * 100 : null;
          if (value === null) continue;
          this.apply(rule, deployment, { type: 'sample', at: sample.sampledAt, value }, { projectName: project.name, memory: { usedMb: sample.memUsedMb, limitMb: sample.memLimitMb } });
        }
      }
    } catch (error) {
      log.error('Could not check metric samples against metric rules', error);
    }
  }

  /** The periodic check: crash loops that went quiet end (with a recovery alert if the deployment is up). */
  tick(): void {
    try {
      const at = this.now();
      for (const { rule } of this.activeRules()) {
        if (rule.trigger.type !== 'events') continue;
        for (const { groupKey, stateJson } of this.options.state.forRule(rule.id)) {
          const state = this.states.get(stateKey(rule.id, groupKey)) ?? parseGroupState(stateJson);
          if (!state.loop) continue;
          const deployment = state.loop.deploymentId ? this.options.deployments.get(state.loop.deploymentId) : undefined;
          const live = deployment !== undefined && isLiveDeployment(deployment.status);
          const project = deployment ? this.projectOf(deployment) : undefined;
          this.applyToGroup(rule, groupKey, state, { type: 'tick', at, loopDeploymentLive: live && project !== undefined }, deployment ?? null, { projectName: project?.name ?? '' });
        }
      }
      if (at - this.lastPrune > HOUR_MS) {
        this.lastPrune = at;
        this.options.history.prune(at - HISTORY_DAYS * 86_400_000);
      }
    } catch (error) {
      log.error('The periodic alert check failed', error);
    }
  }

  /** "Send test": one try now, on that channel alone. */
  testChannel(channel: ChannelRecord): Promise<Delivery> {
    const at = this.now();
    const text = alertText({ kind: 'test', count: 1, held: 0 }, { type: 'events', events: ['crash'], crashLoop: { crashes: 2, windowMs: 1000 } }, 0, { projectName: '' });
    return this.options.delivery.sendNow(
      { ruleId: null, ruleName: null, groupKey: 'test', kind: 'test', projectId: null, deploymentId: null, title: text.title, body: text.body, count: 1, at },
      { id: channel.id, name: channel.name, kind: channel.kind },
    );
  }

  private activeRules(): ActiveRule[] {
    if (this.rules) return this.rules;
    const active: ActiveRule[] = [];
    for (const rule of this.options.rules.list()) {
      if (!rule.enabled) continue;
      let matcher: LineMatcher | null = null;
      if (rule.trigger.type === 'log_pattern') {
        try {
          matcher = compileLogPattern(rule.trigger.pattern, rule.trigger.caseSensitive);
        } catch {
          log.warn(`The log pattern of rule "${rule.name}" no longer compiles; the rule is skipped.`);
          continue;
        }
      }
      active.push({ rule, matcher });
    }
    this.rules = active;
    return active;
  }

  /** The deployment's project, unless it is muted (its mute switch silences every rule). */
  private projectOf(deployment: Deployment): { name: string } | undefined {
    const project = this.options.projects.get(deployment.projectId);
    if (!project || project.settings.muteNotifications) return undefined;
    return project;
  }

  private apply(rule: RuleRecord, deployment: Deployment, input: RuleInput, facts: AlertFacts): void {
    const groupKey = groupKeyFor(rule.groupBy, deployment.projectId, deployment.id);
    const key = stateKey(rule.id, groupKey);
    const state = this.states.get(key) ?? parseGroupState(this.options.state.get(rule.id, groupKey));
    this.applyToGroup(rule, groupKey, state, input, deployment, facts);
  }

  private applyToGroup(rule: RuleRecord, groupKey: string, state: GroupState, input: RuleInput, deployment: Deployment | null, facts: AlertFacts): void {
    const key = stateKey(rule.id, groupKey);
    const decision = decide(rule, state, input);
    if (decision.state !== state) {
      this.states.set(key, decision.state);
      this.options.state.set(rule.id, groupKey, JSON.stringify(decision.state), input.at);
    } else if (!this.states.has(key)) this.states.set(key, state);
    for (const draft of decision.drafts) {
      const { title, body } = alertText(draft, rule.trigger, rule.cooldownMs, facts);
      const channels = rule.channelIds.map((id) => this.options.channels.get(id)).filter((channel): channel is ChannelRecord => channel !== undefined);
      this.options.delivery.enqueue(
        {
          ruleId: rule.id,
          ruleName: rule.name,
          groupKey,
          kind: draft.kind,
          projectId: deployment?.projectId ?? null,
          deploymentId: deployment?.id ?? null,
          title,
          body,
          count: draft.count,
          at: input.at,
        },
        channels.map((channel) => ({ id: channel.id, name: channel.name, kind: channel.kind })),
      );
    }
  }
}

const stateKey = (ruleId: string, groupKey: string): string => `${ruleId}\u0000${groupKey}`;

function appliesTo(rule: RuleRecord, deployment: Deployment): boolean {
  return rule.projectId === null || rule.projectId === deployment.projectId;
}

function inputOf(signal: AlertSignal, at: number): RuleInput {
  switch (signal.kind) {
    case 'crash':
      return { type: 'crash', at, oom: signal.oom, exitCode: signal.exitCode, deploymentId: signal.deployment.id };
    case 'unhealthy':
      return { type: 'unhealthy', at, failures: signal.failures };
    case 'recovered':
      return { type: 'recovered', at };
    case 'deploy_succeeded':
    case 'deploy_failed':
    case 'rollback':
      return { type: signal.kind, at };
  }
}

function factsOf(signal: AlertSignal, projectName: string): AlertFacts {
  switch (signal.kind) {
    case 'crash':
      return { projectName, oom: signal.oom, ...(signal.service ? { service: signal.service } : {}) };
    case 'deploy_succeeded':
      return { projectName, runKind: signal.runKind, releaseId: signal.releaseId };
    case 'deploy_failed':
      return { projectName, runKind: signal.runKind, failure: signal.failure };
    case 'rollback':
      return { projectName, automatic: signal.automatic, releaseId: signal.releaseId };
    default:
      return { projectName };
  }
}
