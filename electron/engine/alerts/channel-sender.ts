// One try of one delivery: the desktop gets a `notification` event; every other channel an HTTP POST with a
// timeout. Secrets are resolved here, at the last moment, and never appear in what a try reports.
import type { AttemptOutcome } from '../../../shared';
import type { EventsPort } from '../context';
import { errorText } from '../engine-error';
import { redactText } from '../logger';
import { resolveSecret, SecretUnavailableError } from '../secrets/secret-ref';
import type { SecretVault } from '../secrets/secret-vault';
import type { ChannelRecord } from '../store/alert-channels';
import { buildChannelRequest, type OutgoingAlert } from './channel-request';
import { outcomeOfStatus, retryAfterMs } from './retry-schedule';

export interface TryResult {
  readonly outcome: AttemptOutcome;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly retryAfterMs: number | null;
}

export interface ChannelSenderOptions {
  readonly events: EventsPort;
  readonly vault: SecretVault;
  readonly env: NodeJS.ProcessEnv;
  /** How long one try may take, answer included. */
  readonly timeoutMs: number;
}

/** How much of a refusing receiver's answer is kept for the history. */
const ANSWER_EXCERPT = 200;

/** The cause node:fetch hides behind "fetch failed": ECONNREFUSED, ENOTFOUND, a TLS error… */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? errorText(error);
}

export class ChannelSender {
  constructor(private readonly options: ChannelSenderOptions) {}

  async send(channel: ChannelRecord, alert: OutgoingAlert): Promise<TryResult> {
    const started = Date.now();
    const result = (outcome: AttemptOutcome, statusCode: number | null, error: string | null, retryAfter: number | null = null): TryResult => ({
      outcome,
      statusCode,
      error: error === null ? null : redactText(error),
      durationMs: Date.now() - started,
      retryAfterMs: retryAfter,
    });
    if (channel.kind === 'desktop') {
      this.options.events.emit('notification', {
        id: alert.alertId,
        kind: alert.kind,
        projectId: alert.project?.id ?? null,
        deploymentId: alert.deploymentId,
        title: alert.title,
        body: alert.body,
        at: new Date(alert.at).toISOString(),
      });
      return result('delivered', null, null);
    }
    let url: string;
    let secret: string | null = null;
    try {
      if (!channel.url) return result('not_configured', null, `The channel "${channel.name}" has no URL. Delete it and add it again.`);
      url = resolveSecret(channel.url, `The URL of "${channel.name}"`, this.options.vault, this.options.env);
      if (channel.signingSecret) secret = resolveSecret(channel.signingSecret, `The signing secret of "${channel.name}"`, this.options.vault, this.options.env);
    } catch (error) {
      if (error instanceof SecretUnavailableError) return result('not_configured', null, error.message);
      throw error;
    }
    try {
      // Parsed here rather than trusted: the message must not quote the URL (it is a secret).
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      return result('not_configured', null, `The URL of "${channel.name}" is not a valid http(s) URL. Delete the channel and add it again with the webhook's full URL.`);
    }
    const request = buildChannelRequest(channel.kind, alert, url, secret);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: abort.signal });
      const outcome = outcomeOfStatus(response.status);
      if (outcome === 'delivered') {
        await response.body?.cancel().catch(() => undefined);
        return result('delivered', response.status, null);
      }
      const answer = (await response.text().catch(() => '')).trim().slice(0, ANSWER_EXCERPT);
      const what =
        response.status >= 300 && response.status < 400
          ? `The receiver answered HTTP ${response.status} (a redirect, which Berth does not follow with a signed body). Give the channel the final URL.`
          : `The receiver answered HTTP ${response.status}${answer ? `: ${answer}` : ''}.${outcome === 'rejected' ? ' Check the channel’s URL (a revoked webhook answers 404).' : ''}`;
      return result(outcome, response.status, what, retryAfterMs(response.headers.get('retry-after'), Date.now()));
    } catch (error) {
      if (abort.signal.aborted) return result('timeout', null, `No answer within ${this.options.timeoutMs} ms.`);
      return result('network_error', null, `Could not reach the receiver (${networkCause(error)}).`);
    } finally {
      clearTimeout(timer);
    }
  }
}
