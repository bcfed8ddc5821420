// The HTTP request each kind of channel takes, built from an alert. Pure: no secret is read here (the URL and
// signing secret are handed in) and nothing is sent (channel-sender.ts does that).
import { createHmac } from 'node:crypto';
import type { AlertKind, ChannelKind } from '../../../shared';

/** The alert as channels show it. */
export interface OutgoingAlert {
  readonly alertId: string;
  readonly deliveryId: string;
  readonly kind: AlertKind;
  readonly title: string;
  readonly body: string;
  readonly count: number;
  readonly at: number;
  readonly project: { readonly id: string; readonly name: string } | null;
  readonly deploymentId: string | null;
  readonly rule: { readonly id: string; readonly name: string } | null;
}

export interface ChannelRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The webhook's signature header: `sha256=` and the hex HMAC-SHA256 of the exact body, keyed by the user's secret (as GitHub signs). */
export const SIGNATURE_HEADER = 'x-berth-signature-256';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const URGENT: ReadonlySet<AlertKind> = new Set(['crash_loop', 'oom']);
const BAD: ReadonlySet<AlertKind> = new Set(['crash', 'crash_loop', 'oom', 'unhealthy', 'deploy_failed', 'log_pattern', 'metric']);
const GOOD: ReadonlySet<AlertKind> = new Set(['recovered', 'deploy_succeeded', 'test']);

/** Slack's mrkdwn treats &, < and > as markup. */
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** ntfy takes RFC 2047 encoded-words for header values outside ASCII (a project named in Cyrillic, an em dash). */
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function buildChannelRequest(kind: Exclude<ChannelKind, 'desktop'>, alert: OutgoingAlert, url: string, signingSecret: string | null): ChannelRequest {
  const common = { 'user-agent': 'Berth-Alerts/1', 'x-berth-delivery': alert.deliveryId, 'x-berth-event': alert.kind };
  switch (kind) {
    case 'webhook': {
      const body = JSON.stringify({
        id: alert.alertId,
        delivery: alert.deliveryId,
        kind: alert.kind,
        title: alert.title,
        body: alert.body,
        count: alert.count,
        at: new Date(alert.at).toISOString(),
        project: alert.project,
        deploymentId: alert.deploymentId,
        rule: alert.rule,
      });
      return {
        url,
        headers: { ...common, 'content-type': 'application/json', ...(signingSecret ? { [SIGNATURE_HEADER]: signBody(body, signingSecret) } : {}) },
        body,
      };
    }
    case 'slack':
      return {
        url,
        headers: { ...common, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `*${slackEscape(alert.title)}*\n${slackEscape(alert.body)}` }),
      };
    case 'discord':
      return {
        url,
        headers: { ...common, 'content-type': 'application/json' },
        body: JSON.stringify({
          username: 'Berth',
          // Log lines end up in bodies: never let one ping @everyone.
          allowed_mentions: { parse: [] },
          embeds: [
            {
              title: clip(alert.title, 256),
              description: clip(alert.body, 4096),
              color: BAD.has(alert.kind) ? 0xd1242f : GOOD.has(alert.kind) ? 0x1a7f37 : 0x0969da,
              timestamp: new Date(alert.at).toISOString(),
            },
          ],
        }),
      };
    case 'ntfy':
      return {
        url,
        headers: {
          ...common,
          'content-type': 'text/plain; charset=utf-8',
          title: headerValue(clip(alert.title, 250)),
          priority: URGENT.has(alert.kind) ? '5' : BAD.has(alert.kind) ? '4' : '3',
          tags: BAD.has(alert.kind) ? 'rotating_light' : GOOD.has(alert.kind) ? 'white_check_mark' : 'bell',
        },
        body: alert.body,
      };
  }
}
