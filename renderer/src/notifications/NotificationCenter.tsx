/** In-app toasts and Web Notifications for crash / unhealthy / recovered (the monitoring issue replaces this placeholder). */
export function NotificationCenter() {
  return null;
}
