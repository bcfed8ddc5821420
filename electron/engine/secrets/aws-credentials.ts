// A project's AWS keys, sealed by the vault: sealing for storage, unsealing for the SDK, and
// registering every value for redaction so no log line can carry one.
import { accessKeyIdHint, type AwsCredentialsInput } from '../../../shared';
import { redact } from '../logger';
import type { SecretRepository } from '../store/secrets';
import { refusedSecretMessage, type SecretVault } from './secret-vault';

/** Keys as the SDK's static `credentials` config takes them. */
export interface StaticAwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * A project's stored keys, unsealed; null when it has none. Throws StoredCredentialsError when it has
 * some that cannot be unsealed here (never falls back to another account's credentials).
 */
export type CredentialsLookup = (projectId: string) => StaticAwsCredentials | null;

/** Stored keys that this Berth cannot use: the run fails at auth rather than use other credentials. */
export class StoredCredentialsError extends Error {
  constructor(reason: string, hint: string) {
    super(
      `This project has AWS keys stored in Berth (${hint}), but ${reason}. Store them again from the desktop app, ` +
        'or clear them (`berth projects credentials <project> --clear`) to use the ECS profile or the default credential chain.',
    );
    this.name = 'StoredCredentialsError';
  }
}

/** The keys as one sealed blob; the hint is kept beside it, in the clear. */
export function sealCredentials(vault: SecretVault, credentials: AwsCredentialsInput): { sealed: Buffer; accessKeyIdHint: string } {
  if (!vault.available) throw new Error(refusedSecretMessage(vault.unavailableReason));
  const plain: StaticAwsCredentials = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken !== undefined ? { sessionToken: credentials.sessionToken } : {}),
  };
  return { sealed: vault.encrypt(JSON.stringify(plain)), accessKeyIdHint: accessKeyIdHint(credentials.accessKeyId) };
}

function unseal(vault: SecretVault, sealed: Buffer, hint: string): StaticAwsCredentials {
  if (!vault.available) {
    throw new StoredCredentialsError(`this Berth cannot unseal them (${vault.unavailableReason ?? 'headless Berth has no OS keychain; only the desktop app that stored them can'})`, hint);
  }
  let parsed: Partial<StaticAwsCredentials>;
  try {
    parsed = JSON.parse(vault.decrypt(sealed)) as Partial<StaticAwsCredentials>;
  } catch {
    // The error of a failed decrypt says nothing useful, and must not be echoed in case it quotes input.
    throw new StoredCredentialsError('the OS keychain could not unseal them (they were stored under another user or keychain)', hint);
  }
  if (typeof parsed.accessKeyId !== 'string' || typeof parsed.secretAccessKey !== 'string') {
    throw new StoredCredentialsError('what was unsealed is not a pair of keys', hint);
  }
  return {
    accessKeyId: parsed.accessKeyId,
    secretAccessKey: parsed.secretAccessKey,
    ...(typeof parsed.sessionToken === 'string' ? { sessionToken: parsed.sessionToken } : {}),
  };
}

/**
 * The engine's lookup of stored keys. Every value it unseals is registered for redaction first, so it
 * never reaches a log line even when an SDK error quotes it.
 */
export function storedCredentials(secrets: SecretRepository, vault: SecretVault): CredentialsLookup {
  return (projectId) => {
    const stored = secrets.awsCredentials(projectId);
    if (!stored) return null;
    const credentials = unseal(vault, stored.sealed, stored.accessKeyIdHint);
    redactCredentials(credentials);
    return credentials;
  };
}

/** Keeps keys out of every log writer that redacts (engine logs, run step lines). */
export function redactCredentials(credentials: StaticAwsCredentials): void {
  redact(credentials.accessKeyId);
  redact(credentials.secretAccessKey);
  if (credentials.sessionToken) redact(credentials.sessionToken);
}
