// Sorting AWS and network errors into the failure codes (docs/product-rules.md, "Failures"), and the visible retry for the one retryable code.
import { abortableDelay } from '../abortable-delay';
import { StoredCredentialsError } from '../secrets/aws-credentials';
import { StepAborted, StepFailure } from '../step-failure';
import { MissingRegionError } from './aws-clients';

const AUTH_ERROR_NAMES = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'AccessDenied',
  'AccessDeniedException',
  'NotAuthorized',
  'MissingAuthenticationToken',
  'IncompleteSignature',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

const THROTTLING_NAMES = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceUnavailable', 'ServiceUnavailableException', 'RequestThrottled']);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : { message: String(error) };
}

export function errorMessage(error: unknown): string {
  const { name, message } = shape(error);
  return message ? (name && name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message) : String(error);
}

export function isAuthError(error: unknown): boolean {
  const { name, code, $metadata } = shape(error);
  if (name && AUTH_ERROR_NAMES.has(name)) return true;
  if (code && AUTH_ERROR_NAMES.has(code)) return true;
  return $metadata?.httpStatusCode === 403 && name !== 'ThrottlingException';
}

export function isThrottling(error: unknown): boolean {
  const { name, $metadata } = shape(error);
  return (name !== undefined && THROTTLING_NAMES.has(name)) || $metadata?.httpStatusCode === 429;
}

/** Transient: the connection failed, timed out, or AWS answered 5xx / throttled. */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const { name, code, $metadata, cause } = shape(current);
    if (code && NETWORK_CODES.has(code)) return true;
    if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'NetworkingError') return true;
    if (isThrottling(current)) return true;
    if (($metadata?.httpStatusCode ?? 0) >= 500) return true;
    current = cause;
  }
  return false;
}

export function isAbort(error: unknown): boolean {
  return error instanceof StepAborted || shape(error).name === 'AbortError';
}

export interface RetryOptions {
  /** What is being attempted, for the log: "ECS UpdateService". */
  readonly what: string;
  readonly signal?: AbortSignal;
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  /** Writes the visible retry line: each retry is shown in the log. */
  readonly log: (text: string) => void;
}

/**
 * Runs `attempt`; a network failure is retried with exponential backoff and each retry is logged.
 * When the retries run out it becomes INFRASTRUCTURE_NETWORK_FAILURE. Other errors pass through.
 */
export async function withNetworkRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 500;
  for (let index = 1; ; index++) {
    if (options.signal?.aborted) throw new StepAborted();
    try {
      return await attempt();
    } catch (error) {
      if (options.signal?.aborted) throw new StepAborted();
      if (!isNetworkError(error) || isAuthError(error)) throw error;
      if (index >= attempts) {
        throw new StepFailure(
          'INFRASTRUCTURE_NETWORK_FAILURE',
          `${options.what} failed ${attempts} times with a network error (${errorMessage(error)}). Check the connection to AWS${process.env['BERTH_AWS_ENDPOINT'] ? ` (BERTH_AWS_ENDPOINT=${process.env['BERTH_AWS_ENDPOINT']})` : ''} and deploy again.`,
          { cause: error },
        );
      }
      const delay = baseDelayMs * 2 ** (index - 1);
      options.log(`${options.what} failed with a network error (${errorMessage(error)}); retry ${index} of ${attempts - 1} in ${delay} ms`);
      await abortableDelay(delay, options.signal);
    }
  }
}

/** An AWS error from a step, as a StepFailure with a cause that says what to do. */
export function classifyAwsError(error: unknown, what: string, hint = CREDENTIALS_HINT): StepFailure | undefined {
  if (error instanceof StepFailure) return error;
  if (isAuthError(error)) {
    return new StepFailure('AUTHENTICATION_FAILED', `${what} was refused: ${errorMessage(error)}. ${hint}`, { cause: error });
  }
  if (isNetworkError(error)) {
    return new StepFailure('INFRASTRUCTURE_NETWORK_FAILURE', `${what} could not reach AWS: ${errorMessage(error)}.`, { cause: error });
  }
  return undefined;
}

/** What to do about credentials, naming the project's settings block (`ecs` or `s3`). */
export const credentialsHint = (block: 'ecs' | 's3'): string =>
  `Set AWS credentials for Berth: choose a profile in the project's ${block === 'ecs' ? 'ECS' : 'S3'} settings (settings.${block}.profile, from \`aws configure --profile <name>\` or SSO), ` +
  `or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment that starts Berth; and set the region (settings.${block}.region or AWS_REGION).`;

export const CREDENTIALS_HINT = credentialsHint('ecs');

/**
 * An unexpected error from an AWS target's step (ECS, S3), as a StepFailure: no region, stored keys that
 * cannot be unsealed, refused credentials, the network; undefined for an abort or an error of another kind.
 */
export function classifyAwsStepError(error: unknown, step: string, hint = CREDENTIALS_HINT): StepFailure | undefined {
  if (error instanceof StepFailure || isAbort(error)) return undefined;
  if (error instanceof MissingRegionError) return new StepFailure(step === 'auth' ? 'AUTHENTICATION_FAILED' : 'DEPLOYMENT_FAILED_GENERIC', `${error.message} ${hint}`);
  if (error instanceof StoredCredentialsError) return new StepFailure('AUTHENTICATION_FAILED', error.message);
  return classifyAwsError(error, `The ${step} step`, hint);
}
