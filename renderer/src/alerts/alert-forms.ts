// The alert forms' fields and the requests they make. Pure, so unit tests cover the parsing.
import { HTTP_URL, type AlertGroupBy, type AlertMetric, type ChannelCreate, type ChannelKind, type RuleCreate, type RuleEvent, type RuleTrigger } from '../../../shared';

/** "90s", "10m", "1h30m", "2h", or a bare number of seconds, as milliseconds; null when unreadable. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('').replace(/\s/g, '') !== trimmed.replace(/\s/g, '')) return null;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  return Math.round(parts.reduce((total, part) => total + Number(part[1]) * unit[part[2]!]!, 0));
}

/** 600000 → "10m", 90000 → "1m30s". */
export function formatDurationInput(ms: number): string {
  if (ms === 0) return '0s';
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = ms;
  let out = '';
  for (const [name, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${name}`;
    rest -= count * size;
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}

export type SecretSource = 'value' | 'env';

export interface ChannelForm {
  readonly kind: ChannelKind;
  readonly name: string;
  readonly urlSource: SecretSource;
  readonly url: string;
  readonly secretSource: SecretSource;
  readonly secret: string;
}

export function emptyChannelForm(defaultSource: SecretSource): ChannelForm {
  return { kind: 'webhook', name: '', urlSource: defaultSource, url: '', secretSource: defaultSource, secret: '' };
}

export const CHANNEL_LABELS: Readonly<Record<ChannelKind, string>> = {
  desktop: 'Desktop notification',
  webhook: 'Webhook (signed JSON)',
  slack: 'Slack incoming webhook',
  discord: 'Discord webhook',
  ntfy: 'ntfy topic',
};

/** The request, or the field that is wrong and why. */
export function channelRequest(form: ChannelForm): { ok: true; input: ChannelCreate } | { ok: false; field: string; message: string } {
  const name = form.name.trim();
  if (!name) return { ok: false, field: 'name', message: 'Give the channel a name.' };
  if (form.kind === 'desktop') return { ok: true, input: { kind: 'desktop', name } };
  const url = form.url.trim();
  if (!url) return { ok: false, field: 'url', message: form.urlSource === 'env' ? 'Name the environment variable that holds the URL.' : 'Paste the URL.' };
  if (form.urlSource === 'value' && !HTTP_URL.test(url)) return { ok: false, field: 'url', message: 'The URL must start with http:// or https://.' };
  if (form.urlSource === 'env' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(url)) return { ok: false, field: 'url', message: 'An environment variable name: letters, digits and _.' };
  const urlInput = form.urlSource === 'env' ? { env: url } : { value: url };
  if (form.kind !== 'webhook') return { ok: true, input: { kind: form.kind, name, url: urlInput } };
  const secret = form.secret.trim();
  if (form.secretSource === 'value' && secret.length < 16) return { ok: false, field: 'signingSecret', message: 'The signing secret needs at least 16 characters.' };
  if (form.secretSource === 'env' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(secret)) return { ok: false, field: 'signingSecret', message: 'Name the environment variable that holds the signing secret.' };
  return { ok: true, input: { kind: 'webhook', name, url: urlInput, signingSecret: form.secretSource === 'env' ? { env: secret } : { value: secret } } };
}

export type TriggerType = RuleTrigger['type'];

export interface RuleForm {
  readonly name: string;
  /** '' for every project. */
  readonly projectId: string;
  readonly type: TriggerType;
  readonly events: readonly RuleEvent[];
  readonly loopCrashes: string;
  readonly loopWindow: string;
  readonly pattern: string;
  readonly caseSensitive: boolean;
  readonly minMatches: string;
  readonly matchWindow: string;
  readonly metric: AlertMetric;
  readonly above: string;
  readonly forDuration: string;
  readonly cooldown: string;
  readonly groupBy: AlertGroupBy;
  readonly channelIds: readonly string[];
}

export function emptyRuleForm(): RuleForm {
  return {
    name: '',
    projectId: '',
    type: 'events',
    events: ['crash', 'oom', 'crash_loop', 'unhealthy', 'recovered', 'deploy_failed'],
    loopCrashes: '3',
    loopWindow: '10m',
    pattern: '',
    caseSensitive: false,
    minMatches: '5',
    matchWindow: '5m',
    metric: 'memory',
    above: '90',
    forDuration: '5m',
    cooldown: '10m',
    groupBy: 'deployment',
    channelIds: [],
  };
}

type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

function whole(text: string, field: string, min: number, max: number): Checked<number> {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min || value > max) return { ok: false, field, message: `A whole number from ${min} to ${max}.` };
  return { ok: true, value };
}

function duration(text: string, field: string, minMs: number): Checked<number> {
  const value = parseDuration(text);
  if (value === null || value < minMs || value > 7 * 86_400_000) return { ok: false, field, message: `A duration such as 30s, 10m or 1h (at least ${formatDurationInput(minMs)}, at most 7d).` };
  return { ok: true, value };
}

function trigger(form: RuleForm): Checked<RuleTrigger> {
  switch (form.type) {
    case 'events': {
      if (form.events.length === 0) return { ok: false, field: 'trigger.events', message: 'Pick at least one event.' };
      const crashes = whole(form.loopCrashes, 'trigger.crashLoop.crashes', 2, 1000);
      if (!crashes.ok) return crashes;
      const window = duration(form.loopWindow, 'trigger.crashLoop.windowMs', 1000);
      if (!window.ok) return window;
      return { ok: true, value: { type: 'events', events: [...form.events], crashLoop: { crashes: crashes.value, windowMs: window.value } } };
    }
    case 'log_pattern': {
      if (!form.pattern.trim()) return { ok: false, field: 'trigger.pattern', message: 'Give the pattern to look for (RE2 syntax).' };
      const matches = whole(form.minMatches, 'trigger.minMatches', 1, 100_000);
      if (!matches.ok) return matches;
      const window = duration(form.matchWindow, 'trigger.windowMs', 1000);
      if (!window.ok) return window;
      return { ok: true, value: { type: 'log_pattern', pattern: form.pattern, caseSensitive: form.caseSensitive, minMatches: matches.value, windowMs: window.value } };
    }
    case 'metric': {
      const above = Number(form.above.trim());
      if (!Number.isFinite(above) || above < 0 || form.above.trim() === '') return { ok: false, field: 'trigger.above', message: 'A percentage, e.g. 90.' };
      const held = parseDuration(form.forDuration);
      if (held === null) return { ok: false, field: 'trigger.forMs', message: 'A duration such as 0s, 5m or 1h.' };
      return { ok: true, value: { type: 'metric', metric: form.metric, above, forMs: held } };
    }
  }
}

export function ruleRequest(form: RuleForm): { ok: true; input: RuleCreate } | { ok: false; field: string; message: string } {
  const name = form.name.trim();
  if (!name) return { ok: false, field: 'name', message: 'Give the rule a name.' };
  const built = trigger(form);
  if (!built.ok) return built;
  const cooldown = parseDuration(form.cooldown);
  if (cooldown === null) return { ok: false, field: 'cooldownMs', message: 'A duration such as 0s, 10m or 1h.' };
  if (form.channelIds.length === 0) return { ok: false, field: 'channelIds', message: 'Pick at least one channel.' };
  return {
    ok: true,
    input: { name, projectId: form.projectId || null, enabled: true, trigger: built.value, cooldownMs: cooldown, groupBy: form.groupBy, channelIds: [...form.channelIds] },
  };
}

/** One line that says what a rule watches, for the rules list. */
export function describeTrigger(trigger: RuleTrigger): string {
  switch (trigger.type) {
    case 'events':
      return `${trigger.events.join(', ')}${trigger.events.includes('crash_loop') ? ` (a loop: ${trigger.crashLoop.crashes} crashes in ${formatDurationInput(trigger.crashLoop.windowMs)})` : ''}`;
    case 'log_pattern':
      return `log /${trigger.pattern}/${trigger.caseSensitive ? '' : 'i'} ${trigger.minMatches}× in ${formatDurationInput(trigger.windowMs)}`;
    case 'metric':
      return `${trigger.metric === 'cpu' ? 'CPU' : 'memory'} above ${trigger.above}%${trigger.metric === 'memory' ? ' of the limit' : ''} for ${formatDurationInput(trigger.forMs)}`;
  }
}
