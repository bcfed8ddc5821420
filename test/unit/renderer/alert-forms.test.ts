import { describe, expect, it } from 'vitest';
import { channelRequest, describeTrigger, emptyChannelForm, emptyRuleForm, formatDurationInput, parseDuration, ruleRequest } from '../../../renderer/src/alerts/alert-forms';
import { channelCreateSchema, ruleCreateSchema } from '../../../shared';

describe('the alert forms', () => {
  it('reads durations as people type them, and writes them back', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('10m later')).toBeNull();
    expect(formatDurationInput(5_400_000)).toBe('1h30m');
    expect(formatDurationInput(0)).toBe('0s');
    expect(formatDurationInput(1500)).toBe('1s500ms');
  });

  it('builds a channel the contract accepts, or names the field that is wrong', () => {
    const webhook = channelRequest({ ...emptyChannelForm('value'), name: 'Hook', url: 'https://example.test/hook', secret: 'sixteen-chars-ok!' });
    expect(webhook).toEqual({ ok: true, input: { kind: 'webhook', name: 'Hook', url: { value: 'https://example.test/hook' }, signingSecret: { value: 'sixteen-chars-ok!' } } });
    expect(channelCreateSchema.safeParse(webhook.ok && webhook.input).success).toBe(true);
    const slackFromEnv = channelRequest({ ...emptyChannelForm('env'), kind: 'slack', name: 'Team', url: 'BERTH_SLACK_URL' });
    expect(slackFromEnv).toEqual({ ok: true, input: { kind: 'slack', name: 'Team', url: { env: 'BERTH_SLACK_URL' } } });
    expect(channelRequest({ ...emptyChannelForm('value'), name: 'x', url: 'ftp://nope' })).toMatchObject({ ok: false, field: 'url' });
    expect(channelRequest({ ...emptyChannelForm('value'), name: 'x', url: 'https://ok.test', secret: 'short' })).toMatchObject({ ok: false, field: 'signingSecret' });
    expect(channelRequest({ ...emptyChannelForm('value'), kind: 'desktop', name: 'Here' })).toEqual({ ok: true, input: { kind: 'desktop', name: 'Here' } });
  });

  it('builds a rule the contract accepts, for each kind of trigger', () => {
    const base = { ...emptyRuleForm(), name: 'r', channelIds: ['chn_1'] };
    const events = ruleRequest(base);
    expect(events).toMatchObject({ ok: true, input: { trigger: { type: 'events', crashLoop: { crashes: 3, windowMs: 600_000 } }, cooldownMs: 600_000, projectId: null } });
    const log = ruleRequest({ ...base, type: 'log_pattern', pattern: 'ERROR .*payment', minMatches: '5', matchWindow: '1m' });
    expect(log).toMatchObject({ ok: true, input: { trigger: { type: 'log_pattern', pattern: 'ERROR .*payment', minMatches: 5, windowMs: 60_000, caseSensitive: false } } });
    const metric = ruleRequest({ ...base, type: 'metric', metric: 'cpu', above: '150', forDuration: '2m', projectId: 'prj_1' });
    expect(metric).toMatchObject({ ok: true, input: { projectId: 'prj_1', trigger: { type: 'metric', metric: 'cpu', above: 150, forMs: 120_000 } } });
    for (const built of [events, log, metric]) expect(ruleCreateSchema.safeParse(built.ok && built.input).success).toBe(true);
    expect(ruleRequest({ ...base, channelIds: [] })).toMatchObject({ ok: false, field: 'channelIds' });
    expect(ruleRequest({ ...base, loopCrashes: '1' })).toMatchObject({ ok: false, field: 'trigger.crashLoop.crashes' });
    expect(describeTrigger({ type: 'metric', metric: 'memory', above: 90, forMs: 300_000 })).toBe('memory above 90% of the limit for 5m');
  });
});
