// What one rule does with one thing that happened, for one group (a deployment, a project, or the whole rule):
// whether it alerts, and what it remembers. Pure: the alert engine (alert-engine.ts) gathers the facts, keeps
// the state and sends the drafts. The rules it applies are in docs/architecture.md, "Alerts":
// - N crashes within the window are one crash loop: one alert with the count; while it lasts, further crashes
//   send nothing but a reminder once per cooldown (none with a cooldown of 0); it ends when the deployment stays
//   up for the window.
// - After an alert, the same kind of alert for the same group waits `cooldownMs`; what it holds back is counted
//   and said in the next one. Recoveries (which close an incident) and deploy outcomes never wait.
// - A recovery closes the incident it ends, and is sent only if that incident was announced.
import type { AlertKind, RuleEvent, RuleTrigger } from '../../../shared';

export interface CrashLoop {
  readonly since: number;
  readonly count: number;
  readonly lastCrashAt: number;
  /** The deployment that crashed last: the loop ends only while it is up. */
  readonly deploymentId: string | null;
  readonly announced: boolean;
}

export interface GroupState {
  /** Times of recent crashes (within the crash-loop window). */
  readonly crashes: readonly number[];
  readonly loop: CrashLoop | null;
  /** An unhealthy spell is open; `announced`: its alert went out. */
  readonly health: { readonly announced: boolean } | null;
  /** When each kind last went out (its cooldown runs from there). */
  readonly lastSent: Readonly<Partial<Record<AlertKind, number>>>;
  /** How many of each kind the cooldown held back since. */
  readonly held: Readonly<Partial<Record<AlertKind, number>>>;
  /** Times of log-pattern matches within the window. */
  readonly matches: readonly number[];
  /** Since when every metric sample has been above the threshold. */
  readonly breachSince: number | null;
  /** The metric's alert fired for the breach under way. */
  readonly firing: boolean;
}

export const EMPTY_GROUP_STATE: GroupState = { crashes: [], loop: null, health: null, lastSent: {}, held: {}, matches: [], breachSince: null, firing: false };

export type RuleInput =
  | { readonly type: 'crash'; readonly at: number; readonly oom: boolean; readonly exitCode: number | null; readonly deploymentId: string }
  | { readonly type: 'unhealthy'; readonly at: number; readonly failures: number }
  | { readonly type: 'recovered'; readonly at: number }
  | { readonly type: 'deploy_succeeded' | 'deploy_failed' | 'rollback'; readonly at: number }
  | { readonly type: 'log_matches'; readonly at: number; readonly times: readonly number[]; readonly lastText: string }
  | { readonly type: 'sample'; readonly at: number; readonly value: number }
  /** The periodic check; `loopDeploymentLive` says whether the crash loop's deployment is up now. */
  | { readonly type: 'tick'; readonly at: number; readonly loopDeploymentLive: boolean };

export interface AlertDraft {
  readonly kind: AlertKind;
  /** Crashes in the loop, log matches in the window; 1 otherwise. */
  readonly count: number;
  /** Alerts of this kind the cooldown held back since the last one sent. */
  readonly held: number;
  readonly exitCode?: number | null;
  readonly failures?: number;
  /** The metric's value that fired it. */
  readonly value?: number;
  readonly lastMatch?: string;
  /** A crash-loop reminder (the loop goes on), not its start. */
  readonly reminder?: boolean;
  /** What a recovery ends. */
  readonly recoveredFrom?: 'health' | 'crash_loop';
  /** How long the crash loop has lasted, ms. */
  readonly loopMs?: number;
}

export interface RuleDecision {
  readonly state: GroupState;
  readonly drafts: readonly AlertDraft[];
}

export interface DecisionRule {
  readonly trigger: RuleTrigger;
  readonly cooldownMs: number;
}

/** Most timestamps a window keeps: enough to count any threshold a rule may set, bounded whatever happens. */
const MAX_TIMES = 100_000;

function listens(rule: DecisionRule, event: RuleEvent): boolean {
  return rule.trigger.type === 'events' && rule.trigger.events.includes(event);
}

/** Sends `draft` unless its kind is cooling down; either way the state records it. */
function withCooldown(rule: DecisionRule, state: GroupState, at: number, draft: AlertDraft): RuleDecision {
  const last = state.lastSent[draft.kind];
  if (last !== undefined && at - last < rule.cooldownMs) {
    return { state: { ...state, held: { ...state.held, [draft.kind]: (state.held[draft.kind] ?? 0) + 1 } }, drafts: [] };
  }
  return send(state, at, { ...draft, held: state.held[draft.kind] ?? 0 });
}

function send(state: GroupState, at: number, draft: AlertDraft): RuleDecision {
  return { state: { ...state, lastSent: { ...state.lastSent, [draft.kind]: at }, held: { ...state.held, [draft.kind]: 0 } }, drafts: [draft] };
}

const nothing = (state: GroupState): RuleDecision => ({ state, drafts: [] });

function onCrash(rule: DecisionRule, state: GroupState, input: Extract<RuleInput, { type: 'crash' }>): RuleDecision {
  if (rule.trigger.type !== 'events') return nothing(state);
  const { windowMs, crashes: threshold } = rule.trigger.crashLoop;
  const { at } = input;
  const crashes = [...state.crashes.filter((time) => at - time <= windowMs), at].slice(-MAX_TIMES);
  // Up for longer than the window since the last crash: that loop ended, whether or not a check saw it.
  const open = state.loop && at - state.loop.lastCrashAt <= windowMs ? state.loop : null;
  let next: GroupState = { ...state, crashes, loop: open };
  const watchesLoops = listens(rule, 'crash_loop');

  if (open) {
    const loop: CrashLoop = { ...open, count: open.count + 1, lastCrashAt: at, deploymentId: input.deploymentId };
    next = { ...next, loop };
    // One loop, one alert: a reminder only once a cooldown has passed, and never without a cooldown.
    if (!watchesLoops || (loop.announced && rule.cooldownMs === 0)) return nothing(next);
    const decided = withCooldown(rule, next, at, { kind: 'crash_loop', count: loop.count, held: 0, reminder: loop.announced, loopMs: at - loop.since, exitCode: input.exitCode });
    return decided.drafts.length > 0 ? { ...decided, state: { ...decided.state, loop: { ...loop, announced: true } } } : decided;
  }
  if (watchesLoops && crashes.length >= threshold) {
    const loop: CrashLoop = { since: crashes[0]!, count: crashes.length, lastCrashAt: at, deploymentId: input.deploymentId, announced: false };
    const decided = withCooldown(rule, { ...next, loop }, at, { kind: 'crash_loop', count: loop.count, held: 0, loopMs: at - loop.since, exitCode: input.exitCode });
    return decided.drafts.length > 0 ? { ...decided, state: { ...decided.state, loop: { ...loop, announced: true } } } : decided;
  }
  const kind = input.oom ? 'oom' : 'crash';
  if (!listens(rule, kind)) return nothing(next);
  return withCooldown(rule, next, at, { kind, count: 1, held: 0, exitCode: input.exitCode });
}

function onTick(rule: DecisionRule, state: GroupState, input: Extract<RuleInput, { type: 'tick' }>): RuleDecision {
  if (rule.trigger.type === 'log_pattern') {
    const matches = state.matches.filter((time) => input.at - time <= (rule.trigger as { windowMs: number }).windowMs);
    return nothing(matches.length === state.matches.length ? state : { ...state, matches });
  }
  if (rule.trigger.type !== 'events' || !state.loop) return nothing(state);
  const { windowMs } = rule.trigger.crashLoop;
  if (input.at - state.loop.lastCrashAt <= windowMs) return nothing(state);
  // Quiet for the whole window: the loop is over. A deployment that is down (removed, stopped) did not recover.
  const ended: GroupState = { ...state, loop: null, crashes: [] };
  if (!input.loopDeploymentLive || !state.loop.announced || !listens(rule, 'recovered')) return nothing(ended);
  return send(ended, input.at, { kind: 'recovered', count: state.loop.count, held: 0, recoveredFrom: 'crash_loop', loopMs: state.loop.lastCrashAt - state.loop.since });
}

/** The rule's decision about one input for one group. */
export function decide(rule: DecisionRule, state: GroupState, input: RuleInput): RuleDecision {
  switch (input.type) {
    case 'crash':
      return onCrash(rule, state, input);
    case 'unhealthy': {
      if (!listens(rule, 'unhealthy')) return nothing({ ...state, health: { announced: false } });
      const decided = withCooldown(rule, state, input.at, { kind: 'unhealthy', count: 1, held: 0, failures: input.failures });
      return { ...decided, state: { ...decided.state, health: { announced: decided.drafts.length > 0 } } };
    }
    case 'recovered': {
      const announced = state.health?.announced ?? false;
      const closed = { ...state, health: null };
      if (!announced || !listens(rule, 'recovered')) return nothing(closed);
      return send(closed, input.at, { kind: 'recovered', count: 1, held: 0, recoveredFrom: 'health' });
    }
    case 'deploy_succeeded':
    case 'deploy_failed':
    case 'rollback': {
      // A new release replaces whatever was failing: its incidents close without a word (the deploy says it).
      const next = input.type === 'deploy_succeeded' ? { ...state, loop: null, crashes: [], health: null } : state;
      return listens(rule, input.type) ? send(next, input.at, { kind: input.type, count: 1, held: 0 }) : nothing(next);
    }
    case 'log_matches': {
      if (rule.trigger.type !== 'log_pattern' || input.times.length === 0) return nothing(state);
      const { windowMs, minMatches } = rule.trigger;
      const matches = [...state.matches, ...input.times].filter((time) => input.at - time <= windowMs).slice(-MAX_TIMES);
      if (matches.length < minMatches) return nothing({ ...state, matches });
      // Counting starts over after each alert (sent or held), so the next one needs N fresh matches.
      return withCooldown(rule, { ...state, matches: [] }, input.at, { kind: 'log_pattern', count: matches.length, held: 0, lastMatch: input.lastText });
    }
    case 'sample': {
      if (rule.trigger.type !== 'metric') return nothing(state);
      if (!(input.value > rule.trigger.above)) return nothing(state.breachSince === null && !state.firing ? state : { ...state, breachSince: null, firing: false });
      const breachSince = state.breachSince ?? input.at;
      const next = { ...state, breachSince };
      if (state.firing || input.at - breachSince < rule.trigger.forMs) return nothing(next);
      return withCooldown(rule, { ...next, firing: true }, input.at, { kind: 'metric', count: 1, held: 0, value: input.value });
    }
    case 'tick':
      return onTick(rule, state, input);
  }
}

/** The group an input belongs to under the rule's grouping. */
export function groupKeyFor(groupBy: 'deployment' | 'project' | 'rule', projectId: string, deploymentId: string): string {
  switch (groupBy) {
    case 'deployment':
      return `deployment:${deploymentId}`;
    case 'project':
      return `project:${projectId}`;
    case 'rule':
      return 'rule';
  }
}

/** Reads a stored state; anything unreadable starts over (a lost count is better than a stuck rule). */
export function parseGroupState(json: string | undefined): GroupState {
  if (!json) return EMPTY_GROUP_STATE;
  try {
    return { ...EMPTY_GROUP_STATE, ...(JSON.parse(json) as Partial<GroupState>) };
  } catch {
    return EMPTY_GROUP_STATE;
  }
}
