import { useCallback, useEffect, useRef, useState } from 'react';
import type { Notification as BerthNotification } from '../../../shared';
import { useApi } from '../api/api-context';
import { useEngineEvent } from '../common/use-event';
import { navigate } from '../routing/use-hash-route';
import './notifications.css';

/** Toasts stay this long unless the pointer is on them; crashes stay until dismissed. */
const TOAST_MS = 12_000;
const MAX_TOASTS = 5;
const STICKY: ReadonlySet<BerthNotification['kind']> = new Set(['crash', 'crash_loop', 'oom']);

type Permission = 'granted' | 'denied' | 'default' | 'unsupported';

function webPermission(): Permission {
  return typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported';
}

/**
 * The browser side of notifications: in-app toasts for every `notification` event the engine
 * emits (the engine decides what is worth one), plus Web Notifications when the user allows them.
 * In the desktop app the Electron shell shows native ones, so this shows toasts only.
 */
export function NotificationCenter() {
  const api = useApi();
  const [toasts, setToasts] = useState<BerthNotification[]>([]);
  const [permission, setPermission] = useState<Permission>(webPermission);
  const timers = useRef(new Map<string, number>());

  const dismiss = useCallback((id: string) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
    const timer = timers.current.get(id);
    if (timer !== undefined) window.clearTimeout(timer);
    timers.current.delete(id);
  }, []);

  useEffect(() => () => timers.current.forEach((timer) => window.clearTimeout(timer)), []);

  const open = useCallback(
    (notification: BerthNotification) => {
      dismiss(notification.id);
      navigate(notification.projectId ? { name: 'project', projectId: notification.projectId } : { name: 'alerts' });
    },
    [dismiss],
  );

  useEngineEvent('notification', (notification) => {
    setToasts((current) => [notification, ...current.filter((toast) => toast.id !== notification.id)].slice(0, MAX_TOASTS));
    if (!STICKY.has(notification.kind)) timers.current.set(notification.id, window.setTimeout(() => dismiss(notification.id), TOAST_MS));
    if (api.transport === 'http' && webPermission() === 'granted' && document.visibilityState !== 'visible') {
      const shown = new window.Notification(notification.title, { body: notification.body, tag: notification.id });
      shown.onclick = () => {
        window.focus();
        open(notification);
      };
    }
  });

  const askPermission = () => {
    void window.Notification.requestPermission().then((answer) => setPermission(answer));
  };

  return (
    <div className="notification-center" aria-live="polite" data-testid="notification-center">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast" data-kind={toast.kind} role={STICKY.has(toast.kind) ? 'alert' : 'status'} data-testid="toast">
          <button type="button" className="toast-body" onClick={() => open(toast)} title="Open the project">
            <strong>{toast.title}</strong>
            <span>{toast.body}</span>
            <time dateTime={toast.at}>{new Date(toast.at).toLocaleTimeString()}</time>
          </button>
          <button type="button" className="toast-close" aria-label={`Dismiss: ${toast.title}`} onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
      {api.transport === 'http' && permission === 'default' && toasts.length > 0 ? (
        <button type="button" className="toast-permission" onClick={askPermission}>
          Also show these as desktop notifications
        </button>
      ) : null}
    </div>
  );
}
