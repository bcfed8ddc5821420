// The rules every Docker call follows, for the targets and the monitors alike: how long one call may
// take, what "not found" looks like, which errors mean the engine is unreachable, and the text a
// user is shown for an error.
import type Dockerode from 'dockerode';
import { errorText } from '../engine-error';

/** Longest Berth waits for one Docker API answer before it calls the engine unreachable (dockerode has no default). */
export const DOCKER_CALL_TIMEOUT_MS = 15_000;

/** Error codes that mean the Docker engine cannot be reached (a timed-out call carries ETIMEDOUT). */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Bounds a Docker call: a dockerd that is shutting down (or a DOCKER_HOST that blackholes) can accept a
 * request and never answer, which would otherwise wedge a step, a follower or the crash handling for
 * good. The rejection carries code ETIMEDOUT, so it reads as "unreachable". A late answer is handed to
 * `onLate` (e.g. to destroy a stream nobody reads any more).
 */
export function withDockerTimeout<T>(call: Promise<T>, what: string, options: { readonly onLate?: (value: T) => void; readonly ms?: number } = {}): Promise<T> {
  const ms = options.ms ?? DOCKER_CALL_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(Object.assign(new Error(`The Docker engine did not answer ${what} within ${Math.round(ms / 1000)} s.`), { code: 'ETIMEDOUT' }));
    }, ms);
    timer.unref();
  });
  call.then(
    (value) => {
      if (timedOut) options.onLate?.(value);
    },
    () => undefined,
  );
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

const statusOf = (error: unknown): number | undefined => (typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined);

/** Docker answered 404: no such container or image. */
export const isDockerNotFound = (error: unknown): boolean => statusOf(error) === 404;

/** Docker answered 409 (or 404) to a kill: the container is not running. */
export const isNotRunning = (error: unknown): boolean => statusOf(error) === 409 || isDockerNotFound(error);

/** Docker answered 304 to a start or stop: it already was in that state. */
export const isAlreadyInState = (error: unknown): boolean => statusOf(error) === 304;

/** The call failed because the engine cannot be reached (not running, wrong DOCKER_HOST, no answer). */
export function isDockerUnreachable(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** The text to show for a Docker error: the engine's own message when it sent one. */
export function dockerErrorText(error: unknown): string {
  if (error && typeof error === 'object' && 'json' in error) {
    const json = (error as { json?: { message?: string } }).json;
    if (json?.message) return json.message;
  }
  return errorText(error);
}

/** Where the client talks to the engine, for messages ("at /var/run/docker.sock"). */
export function dockerEndpoint(docker: Dockerode): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown };
  // dockerode may hold a resolver function instead of a path until its first request.
  if (typeof modem.socketPath === 'string') return modem.socketPath;
  if (typeof modem.host === 'string') return modem.host;
  return process.env['DOCKER_HOST'] ?? 'the default socket';
}
