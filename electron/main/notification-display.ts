// How an engine `notification` event is shown natively. The decision to notify (mute, crash-loop
// grouping) is the engine's; the shell only displays what it is sent.
import type { Notification } from '../../shared/contract';

export interface NativeNotificationOptions {
  readonly title: string;
  readonly body: string;
  readonly urgency: 'normal' | 'critical' | 'low';
  readonly silent: boolean;
}

const CRITICAL: ReadonlySet<Notification['kind']> = new Set(['crash', 'crash_loop', 'oom', 'unhealthy', 'deploy_failed', 'log_pattern', 'metric']);

export function nativeNotificationOptions(notification: Notification): NativeNotificationOptions {
  return {
    title: notification.title,
    body: notification.body,
    urgency: CRITICAL.has(notification.kind) ? 'critical' : 'normal',
    silent: !CRITICAL.has(notification.kind),
  };
}
