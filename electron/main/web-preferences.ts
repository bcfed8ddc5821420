// The security settings of every window (Electron security checklist), kept here so a test can assert on them.

/** The same policy as the meta tag in renderer/index.html, also sent as a header for every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What BrowserWindow's `webPreferences` gets; a subset of Electron's WebPreferences. */
export interface SecureWebPreferences {
  readonly preload: string;
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly webviewTag: false;
  readonly experimentalFeatures: false;
  readonly navigateOnDragDrop: false;
  readonly spellcheck: false;
}

export function createWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export type ResponseHeaders = Record<string, string | string[]>;

/** Adds our CSP to a response's headers, replacing any policy the response carried. */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined, policy = CONTENT_SECURITY_POLICY): ResponseHeaders {
  const result: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') result[name] = value;
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}

/**
 * What a Berth window may ask for: notifications (browser-mode toasts share this code), and writing
 * plain text to the clipboard from a click (the log viewer's Copy and "Copy link to line"). Reading
 * the clipboard stays refused.
 */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'notifications' || permission === 'clipboard-sanitized-write';
}
