// SDK v3 clients for everything the ECS target and its monitoring call. Credentials come from keys
// the project stored in the desktop app (sealed by the OS keychain, see secrets/), else a named
// profile, else the default chain (env, shared files, SSO, container/instance roles).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { accessKeyIdHint, type EcsSettings, type S3Settings } from '../../../shared';
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
  /** Path-style when an endpoint is set (moto and other emulators serve `<endpoint>/<bucket>/<key>`). */
  readonly s3: S3Client;
  destroy(): void;
}

export interface AwsAccess {
  /** `settings.ecs.region` (`settings.s3.region` for an S3 project), else AWS_REGION / AWS_DEFAULT_REGION. */
  readonly region?: string;
  /** `settings.ecs.profile`, else the default chain (which honours AWS_PROFILE). */
  readonly profile?: string;
  /** `BERTH_AWS_ENDPOINT` (engine.config.awsEndpoint): one URL for every service, e.g. moto_server. */
  readonly endpoint?: string | null;
  /** Static keys (stored in Berth); when given, neither the profile nor the default chain is used. */
  readonly credentials?: StaticAwsCredentials | null;
  /** Where the user sets the region, for the error when none is set (default `settings.ecs.region`). */
  readonly regionSetting?: string;
}

export function regionFor(settings: { readonly region?: string | undefined } | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  return settings?.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null;
}

/** Why a region is required before any call: the SDK's own error does not say where to set it. */
export class MissingRegionError extends Error {
  constructor(setting = 'settings.ecs.region') {
    super(`No AWS region is set. Set the project's AWS region (${setting}) or AWS_REGION.`);
    this.name = 'MissingRegionError';
  }
}

export function createAwsClients(access: AwsAccess): AwsClients {
  const region = access.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw new MissingRegionError(access.regionSetting);
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
  const s3 = new S3Client({ ...config, forcePathStyle: Boolean(access.endpoint) });
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
    s3,
    destroy: () => {
      for (const client of [ecs, ecr, sts, logs, cloudwatch, s3]) client.destroy();
    },
  };
}

/** What building a project's clients needs from the project. */
export interface ProjectAwsSettings {
  readonly id: string;
  /** An `s3` project's region and profile come from its S3 block, any other's from its ECS block. */
  readonly target?: string;
  readonly settings: { readonly ecs?: EcsSettings | undefined; readonly s3?: S3Settings | undefined };
}

/**
 * The one place a project's clients are built: its stored keys when it has them (`credentialsFor`),
 * else its profile or the default chain; its region; the engine's endpoint override.
 */
export function clientsForProject(project: ProjectAwsSettings, endpoint: string | null, credentialsFor: CredentialsLookup | undefined): AwsClients {
  const s3 = project.target === 's3';
  const settings = s3 ? project.settings.s3 : project.settings.ecs;
  const credentials = credentialsFor?.(project.id) ?? null;
  return createAwsClients({ region: regionFor(settings) ?? undefined, profile: settings?.profile, endpoint, credentials, regionSetting: s3 ? 'settings.s3.region' : 'settings.ecs.region' });
}
