// SDK v3 clients for everything the ECS target and its monitoring call. Credentials come from the
// default chain (env, shared files, SSO, container/instance roles) or a named profile; Berth stores
// profile names only, never keys.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import type { EcsSettings } from '../../../../shared';

export interface AwsClients {
  readonly region: string;
  readonly profile: string | null;
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
}

/**
 * Secrets (an access key typed into the desktop app) are kept only through this. The desktop shell
 * implements it with Electron `safeStorage`; headless Berth has none and refuses secrets.
 */
export interface SecretVault {
  readonly available: boolean;
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

export function refusedSecretMessage(): string {
  return (
    'Headless Berth does not store AWS secrets. Configure credentials outside Berth ' +
    '(aws configure --profile <name>, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or a role) and set the project\'s ECS profile name.'
  );
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
  const config = {
    region,
    ...(access.profile ? { profile: access.profile } : {}),
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
    profile: access.profile ?? null,
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

/** Clients for a project's ECS settings under the engine's endpoint override. */
export function clientsForProject(settings: EcsSettings | undefined, endpoint: string | null): AwsClients {
  return createAwsClients({ region: regionFor(settings) ?? undefined, profile: settings?.profile, endpoint });
}
