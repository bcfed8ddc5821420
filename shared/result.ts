// The envelope every request result travels in. Thrown errors never cross a process boundary.

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'UNSUPPORTED',
  'DOCKER_ENGINE_UNREACHABLE',
  'AWS_NOT_CONFIGURED',
  /** This Berth has no OS keychain to seal a secret with (headless, or Linux's plain-text backend). */
  'SECRETS_UNAVAILABLE',
  /** An HTTP method the path does not take (the HTTP API only; the answer's Allow header lists the ones it does). */
  'METHOD_NOT_ALLOWED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
  /** Which input field was wrong, when one was. */
  readonly field?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string, field?: string): Result<T> {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}

/** HTTP status for each error code: bad input is always 4xx. */
export const HTTP_STATUS_FOR_ERROR: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  UNSUPPORTED: 422,
  DOCKER_ENGINE_UNREACHABLE: 503,
  AWS_NOT_CONFIGURED: 422,
  // A refusal by this engine whatever the input (headless keeps no secrets), not a fault in the input.
  SECRETS_UNAVAILABLE: 403,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

/** Turns a zod-style issue list into one readable sentence that names the field. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): { message: string; field?: string } {
  const first = issues[0];
  if (!first) return { message: 'Invalid input.' };
  const field = first.path.map(String).join('.');
  const message = issues
    .slice(0, 3)
    .map((issue) => {
      const at = issue.path.map(String).join('.');
      return at ? `${at}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return field ? { message, field } : { message };
}
