import { describe, expect, it } from 'vitest';
import type { RuleTrigger } from '../../../shared';
import { decide, EMPTY_GROUP_STATE, groupKeyFor, parseGroupState, type AlertDraft, type DecisionRule, type GroupState, type RuleInput } from '../../../electron/engine/alerts/rule-decision';

const MINUTE = 60_000;
const events = (list: Extract<RuleTrigger, { type: 'events' }>['events'], crashes = 3, windowMs = 10 * MINUTE): RuleTrigger => ({ type: 'events', events: list, crashLoop: { crashes, windowMs } });

/** Feeds inputs in order; returns every draft with the time it went out. */
function run(rule: DecisionRule, inputs: readonly RuleInput[], start: GroupState = EMPTY_GROUP_STATE): { sent: (AlertDraft & { at: number })[]; state: GroupState } {
  let state = start;
  const sent: (AlertDraft & { at: number })[] = [];
  for (const input of inputs) {
    const decision = decide(rule, state, input);
    state = decision.state;
    sent.push(...decision.drafts.map((draft) => ({ ...draft, at: input.at })));
  }
  return { sent, state };
}

const crash = (at: number, oom = false): RuleInput => ({ type: 'crash', at, oom, exitCode: oom ? 137 : 1, deploymentId: 'dep_1' });

describe('a crash loop is one alert', () => {
  it('N crashes within the window: the first ones alert as crashes, the Nth opens the loop with the count, and the rest are silent', () => {
    const rule = { trigger: events(['crash', 'crash_loop']), cooldownMs: 0 };
    // Docker's restart back-off for a container that exits at once: 0.1 s, 0.2 s, 0.4 s… doubling.
    const times = [0, 100, 300, 700, 1500, 3100, 6300, 12_700, 25_500, 51_100, 102_300];
    const { sent } = run(rule, times.map((at) => crash(at)));
    expect(sent.map((draft) => draft.kind)).toEqual(['crash', 'crash', 'crash_loop']);
    expect(sent[2]).toMatchObject({ count: 3 });
    expect(sent[2]!.reminder).toBeFalsy();
  });

  it('while it lasts, reminds once per cooldown with the running count', () => {
    const rule = { trigger: events(['crash_loop'], 3, 10 * MINUTE), cooldownMs: 5 * MINUTE };
    const times = Array.from({ length: 40 }, (_, index) => index * 30_000); // a crash every 30 s for 20 minutes
    const { sent } = run(rule, times.map((at) => crash(at)));
    expect(sent.map((draft) => [draft.kind, draft.count, draft.reminder ?? false, draft.at])).toEqual([
      ['crash_loop', 3, false, 60_000],
      ['crash_loop', 13, true, 360_000],
      ['crash_loop', 23, true, 660_000],
      ['crash_loop', 33, true, 960_000],
    ]);
    // At most one per cooldown: never two closer than it.
    for (let index = 1; index < sent.length; index += 1) expect(sent[index]!.at - sent[index - 1]!.at).toBeGreaterThanOrEqual(5 * MINUTE);
  });

  it('ends when the deployment stays up for the window: a recovery if it is live and the loop was announced, silence otherwise', () => {
    const rule = { trigger: events(['crash_loop', 'recovered'], 2, MINUTE), cooldownMs: 0 };
    const looping = run(rule, [crash(0), crash(1000), crash(2000)]);
    expect(looping.sent.map((draft) => draft.kind)).toEqual(['crash_loop']);
    expect(decide(rule, looping.state, { type: 'tick', at: 30_000, loopDeploymentLive: true }).drafts).toEqual([]);
    const ended = decide(rule, looping.state, { type: 'tick', at: 63_000, loopDeploymentLive: true });
    expect(ended.drafts).toEqual([expect.objectContaining({ kind: 'recovered', recoveredFrom: 'crash_loop', count: 3 })]);
    expect(ended.state.loop).toBeNull();
    // Removed by the crash sequence (nothing restarts it): it did not recover.
    expect(decide(rule, looping.state, { type: 'tick', at: 63_000, loopDeploymentLive: false })).toMatchObject({ drafts: [], state: { loop: null } });
  });

  it('a crash after a quiet window starts over (a new loop announces again)', () => {
    const rule = { trigger: events(['crash', 'crash_loop'], 2, MINUTE), cooldownMs: 0 };
    const { sent } = run(rule, [crash(0), crash(1000), crash(2000), crash(5 * MINUTE), crash(5 * MINUTE + 1000)]);
    expect(sent.map((draft) => draft.kind)).toEqual(['crash', 'crash_loop', 'crash', 'crash_loop']);
  });

  it('counts OOM kills into the loop, and alerts them as oom (not crash) before it', () => {
    const rule = { trigger: events(['crash', 'oom', 'crash_loop'], 3), cooldownMs: 0 };
    const { sent } = run(rule, [crash(0, true), crash(1000), crash(2000, true)]);
    expect(sent.map((draft) => draft.kind)).toEqual(['oom', 'crash', 'crash_loop']);
  });

  it('a deploy that succeeds closes the loop without a word', () => {
    const rule = { trigger: events(['crash_loop', 'recovered'], 2, MINUTE), cooldownMs: 0 };
    const looping = run(rule, [crash(0), crash(1000)]);
    const deployed = decide(rule, looping.state, { type: 'deploy_succeeded', at: 3000 });
    expect(deployed).toMatchObject({ drafts: [], state: { loop: null, crashes: [] } });
  });
});

describe('cooldown and grouping', () => {
  it('holds back the same kind within the cooldown and says how many in the next one', () => {
    const rule = { trigger: events(['crash']), cooldownMs: 10 * MINUTE };
    const { sent } = run(rule, [crash(0), crash(20 * MINUTE), crash(21 * MINUTE), crash(22 * MINUTE), crash(31 * MINUTE)]);
    expect(sent.map((draft) => [draft.at, draft.held])).toEqual([
      [0, 0],
      [20 * MINUTE, 0],
      [31 * MINUTE, 2],
    ]);
  });

  it('never holds back a recovery or a deploy outcome', () => {
    const rule = { trigger: events(['unhealthy', 'recovered', 'deploy_failed', 'deploy_succeeded']), cooldownMs: 60 * MINUTE };
    const { sent } = run(rule, [
      { type: 'unhealthy', at: 0, failures: 3 },
      { type: 'recovered', at: 1000 },
      { type: 'deploy_failed', at: 2000 },
      { type: 'deploy_failed', at: 3000 },
      { type: 'deploy_succeeded', at: 4000 },
    ]);
    expect(sent.map((draft) => draft.kind)).toEqual(['unhealthy', 'recovered', 'deploy_failed', 'deploy_failed', 'deploy_succeeded']);
  });

  it('sends a recovery only for an incident it announced', () => {
    const rule = { trigger: events(['unhealthy', 'recovered']), cooldownMs: 60 * MINUTE };
    const { sent } = run(rule, [
      { type: 'unhealthy', at: 0, failures: 3 },
      { type: 'recovered', at: 1000 },
      // Within the cooldown: held back, so its recovery is not news either.
      { type: 'unhealthy', at: 2000, failures: 3 },
      { type: 'recovered', at: 3000 },
    ]);
    expect(sent.map((draft) => draft.kind)).toEqual(['unhealthy', 'recovered']);
  });

  it('keys groups by deployment, project or the whole rule', () => {
    expect(groupKeyFor('deployment', 'prj_1', 'dep_1')).toBe('deployment:dep_1');
    expect(groupKeyFor('project', 'prj_1', 'dep_1')).toBe('project:prj_1');
    expect(groupKeyFor('rule', 'prj_1', 'dep_1')).toBe('rule');
  });

  it('reads back what it stored, and starts over from anything unreadable', () => {
    const rule = { trigger: events(['crash', 'crash_loop'], 2), cooldownMs: 0 };
    const { state } = run(rule, [crash(0), crash(1000)]);
    expect(parseGroupState(JSON.stringify(state))).toEqual(state);
    expect(parseGroupState('{not json')).toEqual(EMPTY_GROUP_STATE);
    expect(parseGroupState(undefined)).toEqual(EMPTY_GROUP_STATE);
  });
});

describe('log-pattern rules', () => {
  const rule = { trigger: { type: 'log_pattern', pattern: 'ERROR', caseSensitive: true, minMatches: 5, windowMs: MINUTE } as RuleTrigger, cooldownMs: 10 * MINUTE };
  const matches = (at: number, count: number): RuleInput => ({ type: 'log_matches', at, times: Array.from({ length: count }, () => at), lastText: `ERROR at ${at}` });

  it('fires at N matches within the window, once per cooldown however long they go on', () => {
    const inputs = Array.from({ length: 60 }, (_, second) => matches(second * 1000, 1));
    const { sent } = run(rule, inputs);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'log_pattern', count: 5, lastMatch: 'ERROR at 4000', at: 4000 });
  });

  it('does not fire when the matches are spread wider than the window', () => {
    const inputs = Array.from({ length: 10 }, (_, index) => matches(index * 20_000, 1));
    expect(run(rule, inputs).sent).toEqual([]);
  });
});

describe('metric rules', () => {
  const rule = { trigger: { type: 'metric', metric: 'memory', above: 80, forMs: 60_000 } as RuleTrigger, cooldownMs: 0 };
  const sample = (at: number, value: number): RuleInput => ({ type: 'sample', at, value });

  it('fires once when every sample stays above for the time, and again only after it has dropped below', () => {
    const { sent } = run(rule, [sample(0, 85), sample(30_000, 90), sample(60_000, 95), sample(90_000, 96), sample(120_000, 50), sample(150_000, 90), sample(210_000, 91)]);
    expect(sent.map((draft) => [draft.at, draft.value])).toEqual([
      [60_000, 95],
      [210_000, 91],
    ]);
  });

  it('a dip below resets the time held', () => {
    expect(run(rule, [sample(0, 90), sample(30_000, 70), sample(60_000, 90), sample(90_000, 90)]).sent).toEqual([]);
  });
});
