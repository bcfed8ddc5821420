// SDK v3 clients for everything the ECS target and its monitoring call. Credentials come from keys
// the project stored in the desktop app (sealed by the OS keychain, see SecretVault), else a named
// profile, else the default chain (env, shared files, SSO, container/instance roles).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { accessKeyIdHint, type AwsCredentialsInput, type EcsSettings } from '../../../../shared';
import { redact } from '../../logger';
import type { SecretRepository } from '../../store/secrets';

export interface AwsClients {
  readonly region: string;
  readonly profile: string | null;
  /** `AKIA…WXYZ` when the clients use keys stored in Berth (they then take precedence over the profile). */
  readonly storedKeyHint: string | null;
  readonly endpoint: string | null;
  readonly ecs: ECSClient;
  readonly ecr: ECRClient;
  readonly sts: STSClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  destroy(): void;
}

export interface AwsAccess {
  /** `settings.ecs.region`, else AWS_REGION / AWS_DEFAULT_REGION. */
  readonly region?: string;
  /** `settings.ecs.profile`, else the default chain (which honours AWS_PROFILE). */
  readonly profile?: string;
  /** `BERTH_AWS_ENDPOINT` (engine.config.awsEndpoint): one URL for every service, e.g. moto_server. */
  readonly endpoint?: string | null;
  /** Static keys (stored in Berth); when given, neither the profile nor the default chain is used. */
  readonly credentials?: StaticAwsCredentials | null;
}

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

/**
 * Secrets (an access key typed into the desktop app) are kept only through this. The desktop shell
 * implements it with Electron `safeStorage`; headless Berth has none and refuses secrets.
 */
export interface SecretVault {
  readonly available: boolean;
  /** Why `available` is false, for the refusal message ("Linux's basic_text backend only obfuscates"). */
  readonly unavailableReason?: string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export const headlessVault: SecretVault = {
  available: false,
  encrypt: () => {
    throw new Error(refusedSecretMessage());
  },
  decrypt: () => {
    throw new Error(refusedSecretMessage());
  },
};

const CONFIGURE_OUTSIDE_BERTH =
  'Configure credentials outside Berth (aws configure --profile <name>, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or a role) and set the project\'s ECS profile name.';

/** Why a secret was refused and what to do instead. Without a reason: headless Berth. */
export function refusedSecretMessage(reason?: string): string {
  if (reason) return `Berth cannot store AWS secrets here: ${reason}. ${CONFIGURE_OUTSIDE_BERTH}`;
  return `Headless Berth does not store AWS secrets. ${CONFIGURE_OUTSIDE_BERTH}`;
}

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

export function regionFor(settings: EcsSettings | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  return settings?.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null;
}

/** Why a region is required before any call: the SDK's own error does not say where to set it. */
export class MissingRegionError extends Error {
  constructor() {
    super('No AWS region is set. Set the project\'s ECS region (settings.ecs.region) or AWS_REGION.');
    this.name = 'MissingRegionError';
  }
}

export function createAwsClients(access: AwsAccess): AwsClients {
  const region = access.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new MissingRegionError();
  const stored = access.credentials ?? null;
  const profile = stored ? undefined : access.profile;
  const config = {
    region,
    // Static keys stand in for the whole provider chain: a profile or AWS_* variables are not consulted.
    ...(stored ? { credentials: { ...stored } } : {}),
    ...(profile ? { profile } : {}),
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    // Berth retries network failures itself, visibly in the log (seed 001): keep the SDK's quiet retries short.
    maxAttempts: 2,
  };
  const ecs = new ECSClient(config);
  const ecr = new ECRClient(config);
  const sts = new STSClient(config);
  const logs = new CloudWatchLogsClient(config);
  const cloudwatch = new CloudWatchClient(config);
  return {
    region,
    profile: profile ?? null,
    storedKeyHint: stored ? accessKeyIdHint(stored.accessKeyId) : null,
    endpoint: access.endpoint ?? null,
    ecs,
    ecr,
    sts,
    logs,
    cloudwatch,
    destroy: () => {
      for (const client of [ecs, ecr, sts, logs, cloudwatch]) client.destroy();
    },
  };
}

/** What building a project's clients needs from the project. */
export interface ProjectAwsSettings {
  readonly id: string;
  readonly settings: { readonly ecs?: EcsSettings | undefined };
}

/**
 * The one place a project's clients are built: its stored keys when it has them (`credentialsFor`),
 * else its profile or the default chain; its region; the engine's endpoint override.
 */
export function clientsForProject(project: ProjectAwsSettings, endpoint: string | null, credentialsFor: CredentialsLookup | undefined): AwsClients {
  const settings = project.settings.ecs;
  const credentials = credentialsFor?.(project.id) ?? null;
  return createAwsClients({ region: regionFor(settings) ?? undefined, profile: settings?.profile, endpoint, credentials });
}
