// SDK v3 clients for everything the ECS target and its monitoring call. Credentials come from keys
// the project stored in the desktop app (sealed by the OS keychain, see secrets/), else a named
// profile, else the default chain (env, shared files, SSO, container/instance roles).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { accessKeyIdHint, type EcsSettings } from '../../../shared';
import type { CredentialsLookup, StaticAwsCredentials } from '../secrets/aws-credentials';

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
    // Berth retries network failures itself, visibly in the log: keep the SDK's quiet retries short.
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
