// The ECS steps as standalone units: each takes clients, settings and an output, and returns what the
// next step needs. The target (ecs-target.ts) strings them together for the pipeline runner.
import { CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Deployment as EcsDeployment,
  type Service,
} from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type Dockerode from 'dockerode';
import { withPortVariable } from '../../../../shared';
import { StepFailure } from '../../step-failure';
import type { AwsClients } from '../../aws/aws-clients';
import { abortableDelay } from '../../abortable-delay';
import { classifyAwsError, CREDENTIALS_HINT, credentialsHint, errorMessage, withNetworkRetry } from '../../aws/aws-errors';
import { LOG_STREAM_PREFIX, type ResolvedEcsSettings } from '../../aws/ecs-settings';
import { describeStoppedTask, listStoppedTasks } from '../../aws/stopped-tasks';

/** Where a step writes (the runner's StepContext satisfies it). */
export interface StepOutput {
  stdout(text: string): number;
  stderr(text: string): number;
  system(text: string): number;
}

export interface StepCall {
  readonly clients: AwsClients;
  readonly settings: ResolvedEcsSettings;
  readonly output: StepOutput;
  readonly signal?: AbortSignal;
}

/** Runs one AWS call with the visible network retry; other failures become classified StepFailures. */
async function call<T>(what: string, { output, signal }: StepCall, attempt: () => Promise<T>): Promise<T> {
  try {
    return await withNetworkRetry(attempt, { what, signal, log: (text) => output.system(text) });
  } catch (error) {
    throw classifyAwsError(error, what) ?? error;
  }
}

// ---- auth ---------------------------------------------------------------------------------------

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** STS GetCallerIdentity with the visible retry; `block` names the settings block the hints point at (the S3 target shares it). */
export async function authenticate(step: Pick<StepCall, 'clients' | 'output' | 'signal'>, block: 'ecs' | 's3' = 'ecs'): Promise<CallerIdentity> {
  const { clients, output } = step;
  output.stdout(`Checking AWS credentials (region ${clients.region}${clients.storedKeyHint ? `, keys ${clients.storedKeyHint} stored in Berth` : ''}${clients.profile ? `, profile ${clients.profile}` : ''}${clients.endpoint ? `, endpoint ${clients.endpoint}` : ''})`);
  try {
    const identity = await withNetworkRetry(() => clients.sts.send(new GetCallerIdentityCommand({})), {
      what: 'STS GetCallerIdentity',
      signal: step.signal,
      log: (text) => output.system(text),
    });
    output.stdout(`Authenticated as ${identity.Arn} (account ${identity.Account})`);
    return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
  } catch (error) {
    if (error instanceof StepFailure && error.code === 'INFRASTRUCTURE_NETWORK_FAILURE') throw error;
    const source = clients.storedKeyHint
      ? `the keys ${clients.storedKeyHint} stored in Berth`
      : clients.profile
        ? `profile "${clients.profile}" (settings.${block}.profile)`
        : 'the default credential chain';
    output.stderr(`Error: AWS authentication failed with ${source}: ${errorMessage(error)}`);
    const profileHint = clients.profile ? ` Check that profile "${clients.profile}" exists in ~/.aws/config or ~/.aws/credentials (aws configure --profile ${clients.profile}).` : '';
    throw new StepFailure('AUTHENTICATION_FAILED', `AWS rejected or could not find credentials from ${source} (${errorMessage(error)}).${profileHint} ${credentialsHint(block)}`, { cause: error });
  }
}

// ---- publish ------------------------------------------------------------------------------------

export interface PublishedImage {
  /** `<registryHost>/<repository>:<tag>`: what the task definition runs. */
  readonly imageRef: string;
  readonly digest: string | null;
}

interface PushProgress {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { Digest?: string };
}

function followPush(docker: Dockerode, stream: NodeJS.ReadableStream, output: StepOutput): Promise<PushProgress[]> {
  return new Promise((resolve, reject) => {
    let lastStatus = '';
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: PushProgress[]) => (error ? reject(error) : resolve(events)),
      (event: PushProgress) => {
        // Layer progress bars repeat hundreds of times; keep the status changes only.
        const status = event.error ?? event.status ?? '';
        if (status && status !== lastStatus && !status.startsWith('Pushing')) output.stdout(status);
        lastStatus = status;
      },
    );
  });
}

export interface PublishInput extends StepCall {
  readonly docker: Dockerode;
  /** The image build produced (tag or id). */
  readonly sourceImage: string;
  readonly tag: string;
}

/** ECR GetAuthorizationToken, make sure the repository exists, then tag and push through dockerode. */
export async function publishImage(input: PublishInput): Promise<PublishedImage> {
  const { clients, settings, output, docker } = input;
  const token = await call('ECR GetAuthorizationToken', input, () => clients.ecr.send(new GetAuthorizationTokenCommand({})));
  const data = token.authorizationData?.[0];
  if (!data?.authorizationToken) throw new StepFailure('AUTHENTICATION_FAILED', `ECR returned no authorization token. ${CREDENTIALS_HINT}`);
  const [username, ...rest] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
  const password = rest.join(':');
  const registryHost = settings.registryHost ?? (data.proxyEndpoint ? new URL(data.proxyEndpoint).host : null);
  if (!registryHost) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'ECR returned no registry endpoint. Set settings.ecs.registryHost to the registry to push to.');

  await ensureRepository(input);
  const repo = `${registryHost}/${settings.repository}`;
  const imageRef = `${repo}:${input.tag}`;
  output.stdout(`Tagging ${input.sourceImage} as ${imageRef}`);
  await docker.getImage(input.sourceImage).tag({ repo, tag: input.tag });
  output.stdout(`Pushing ${imageRef}`);
  const events = await withNetworkRetry(
    async () => {
      const stream = (await docker.getImage(imageRef).push({ tag: input.tag, authconfig: { username, password, serveraddress: registryHost } })) as NodeJS.ReadableStream;
      const progress = await followPush(docker, stream, output);
      const failed = progress.find((event) => event.error);
      if (failed) {
        const message = failed.errorDetail?.message ?? failed.error ?? 'push failed';
        // Connection trouble is retried; anything else (denied, unknown blob) is final.
        if (/connection refused|timeout|i\/o timeout|connection reset|no such host|EOF/i.test(message)) throw Object.assign(new Error(message), { code: 'ECONNRESET' });
        throw new PushRefused(message);
      }
      return progress;
    },
    { what: `docker push ${imageRef}`, signal: input.signal, log: (text) => output.system(text) },
  ).catch((error: unknown) => {
    if (error instanceof StepFailure) throw error;
    const message = errorMessage(error);
    output.stderr(`Error: push of ${imageRef} failed: ${message}`);
    if (/unauthorized|denied|authentication required|forbidden/i.test(message)) {
      throw new StepFailure('AUTHENTICATION_FAILED', `The registry ${registryHost} refused the push (${message}). ${CREDENTIALS_HINT}`, { cause: error });
    }
    throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `Pushing ${imageRef} failed: ${message}`, { cause: error });
  });
  const digest = events.map((event) => event.aux?.Digest ?? /digest: (sha256:[0-9a-f]{64})/.exec(event.status ?? '')?.[1]).find(Boolean) ?? null;
  output.stdout(`Pushed ${imageRef}${digest ? ` (${digest})` : ''}`);
  return { imageRef, digest };
}

class PushRefused extends Error {}

async function ensureRepository(step: StepCall): Promise<void> {
  const { clients, settings, output } = step;
  try {
    await call('ECR DescribeRepositories', step, () => clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [settings.repository] })));
  } catch (error) {
    if ((error as { name?: string }).name !== 'RepositoryNotFoundException') throw error;
    output.stdout(`Creating ECR repository ${settings.repository}`);
    await call('ECR CreateRepository', step, () => clients.ecr.send(new CreateRepositoryCommand({ repositoryName: settings.repository })));
  }
}

// ---- setup --------------------------------------------------------------------------------------

export async function ensureLogGroup(step: StepCall): Promise<void> {
  const { clients, settings, output } = step;
  const found = await call('CloudWatch Logs DescribeLogGroups', step, () =>
    clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: settings.logGroup })),
  );
  if ((found.logGroups ?? []).some((group) => group.logGroupName === settings.logGroup)) {
    output.stdout(`Log group ${settings.logGroup} exists`);
    return;
  }
  output.stdout(`Creating log group ${settings.logGroup}`);
  try {
    await call('CloudWatch Logs CreateLogGroup', step, () => clients.logs.send(new CreateLogGroupCommand({ logGroupName: settings.logGroup })));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceAlreadyExistsException') throw error;
  }
  // Berth keeps runtime lines 7 days locally; CloudWatch keeps them a little longer for the tail.
  await call('CloudWatch Logs PutRetentionPolicy', step, () =>
    clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: settings.logGroup, retentionInDays: 14 })),
  );
}

export async function registerTaskDefinition(step: StepCall & { readonly imageRef: string }): Promise<string> {
  const { clients, settings, output } = step;
  const environment = withPortVariable(settings.env, settings.port).map((variable) => ({ name: variable.name, value: variable.value }));
  const secrets = settings.env.filter((variable) => variable.secret).map((variable) => variable.name);
  if (secrets.length > 0) {
    // Berth has no Secrets Manager integration yet; say plainly where the value ends up.
    output.system(
      `Warning: secret env ${secrets.join(', ')} go into the task definition's environment, readable by anyone allowed ecs:DescribeTaskDefinition. ` +
        'Prefer a Secrets Manager or SSM reference in the app for production secrets.',
    );
  }
  output.stdout(
    `Registering task definition ${settings.family}: image ${step.imageRef}, port ${settings.port}, cpu ${settings.cpu}, memory ${settings.memoryMb} MiB, ` +
      `${environment.length} env var(s)${environment.length ? ` (${environment.map((variable) => variable.name).join(', ')})` : ''}, logs → ${settings.logGroup}`,
  );
  const registered = await call('ECS RegisterTaskDefinition', step, () =>
    clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: settings.family,
        cpu: String(settings.cpu),
        memory: String(settings.memoryMb),
        ...(settings.executionRoleArn ? { executionRoleArn: settings.executionRoleArn } : {}),
        containerDefinitions: [
          {
            name: settings.containerName,
            image: step.imageRef,
            essential: true,
            memory: settings.memoryMb,
            portMappings: [{ containerPort: settings.port, protocol: 'tcp' }],
            environment,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': settings.logGroup, 'awslogs-region': clients.region, 'awslogs-stream-prefix': LOG_STREAM_PREFIX },
            },
          },
        ],
      }),
    ),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', 'ECS did not return the registered task definition.');
  output.stdout(`Registered ${arn}`);
  return arn;
}

// ---- deploy -------------------------------------------------------------------------------------

export async function describeService(step: StepCall): Promise<Service | null> {
  const { clients, settings } = step;
  try {
    const described = await call('ECS DescribeServices', step, () =>
      clients.ecs.send(new DescribeServicesCommand({ cluster: settings.cluster, services: [settings.service] })),
    );
    const service = described.services?.find((candidate) => candidate.serviceName === settings.service);
    return service && service.status !== 'INACTIVE' ? service : null;
  } catch (error) {
    if ((error as { name?: string }).name === 'ClusterNotFoundException') {
      throw new StepFailure('DEPLOYMENT_FAILED_GENERIC', `The ECS cluster "${settings.cluster}" does not exist. Create it, or set settings.ecs.cluster to an existing cluster.`, { cause: error });
    }
    throw error;
  }
}

/** UpdateService to the task definition (CreateService when allowed and the service is missing). */
export async function deployService(step: StepCall & { readonly taskDefinitionArn: string }): Promise<void> {
  const { clients, settings, output } = step;
  const existing = await describeService(step);
  if (!existing) {
    if (!settings.createService) {
      output.stderr(`Error: service ${settings.service} not found in cluster ${settings.cluster}`);
      throw new StepFailure(
        'DEPLOYMENT_FAILED_GENERIC',
        `The ECS service "${settings.service}" does not exist in cluster "${settings.cluster}". Set settings.ecs.service to an existing service, or settings.ecs.createService to let Berth create it.`,
      );
    }
    output.stdout(`Creating service ${settings.service} in cluster ${settings.cluster} with ${step.taskDefinitionArn}`);
    await call('ECS CreateService', step, () =>
      clients.ecs.send(
        new CreateServiceCommand({
          cluster: settings.cluster,
          serviceName: settings.service,
          taskDefinition: step.taskDefinitionArn,
          desiredCount: 1,
          deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
        }),
      ),
    );
    return;
  }
  const desiredCount = existing.desiredCount && existing.desiredCount > 0 ? undefined : 1;
  output.stdout(`Updating service ${settings.service}: ${existing.taskDefinition ?? '(none)'} → ${step.taskDefinitionArn}${desiredCount ? ', desired count 1' : ''}`);
  await call('ECS UpdateService', step, () =>
    clients.ecs.send(new UpdateServiceCommand({ cluster: settings.cluster, service: settings.service, taskDefinition: step.taskDefinitionArn, ...(desiredCount ? { desiredCount } : {}) })),
  );
}

/** Rollback: point the service back at an earlier task definition. */
export async function pointServiceAt(step: StepCall & { readonly taskDefinitionArn: string }): Promise<void> {
  const { clients, settings, output } = step;
  output.stdout(`Pointing service ${settings.service} back at ${step.taskDefinitionArn}`);
  await call('ECS UpdateService', step, () =>
    clients.ecs.send(new UpdateServiceCommand({ cluster: settings.cluster, service: settings.service, taskDefinition: step.taskDefinitionArn })),
  );
  const service = await describeService(step);
  if (service?.taskDefinition !== step.taskDefinitionArn) {
    throw new Error(`the service still reports ${service?.taskDefinition ?? 'no task definition'}`);
  }
  output.stdout(`Service ${settings.service} now runs ${step.taskDefinitionArn}`);
}

// ---- rollout ------------------------------------------------------------------------------------

export interface RolloutOptions {
  readonly taskDefinitionArn: string;
  readonly pollIntervalMs: number;
  readonly now?: () => number;
}

export type RolloutOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * The deployment that carries our task definition. ECS makes it PRIMARY as UpdateService returns;
 * an emulator that keeps one static deployment (moto) is followed through its PRIMARY entry once the
 * service itself reports our task definition.
 */
export function deploymentFor(service: Service, taskDefinitionArn: string): EcsDeployment | undefined {
  const exact = service.deployments?.find((deployment) => deployment.taskDefinition === taskDefinitionArn);
  if (exact) return exact;
  if (service.taskDefinition === taskDefinitionArn) return service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
  return undefined;
}

/** DescribeServices until the deployment completes, fails or the timeout passes; events become log lines. */
export async function waitForRollout(step: StepCall, options: RolloutOptions): Promise<RolloutOutcome> {
  const { settings, output } = step;
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + settings.rolloutTimeoutMs;
  const seenEvents = new Set<string>();
  let lastSummary = '';
  for (;;) {
    const service = await describeService(step);
    if (!service) return { ok: false, reason: `the service ${settings.service} disappeared during the rollout` };
    // Events come newest first; print the new ones oldest first.
    for (const event of [...(service.events ?? [])].reverse()) {
      const id = event.id ?? `${event.createdAt?.toISOString()} ${event.message}`;
      if (seenEvents.has(id)) continue;
      seenEvents.add(id);
      if (event.createdAt && event.createdAt.getTime() < started - 60_000) continue;
      output.stdout(`[ECS] ${event.createdAt?.toISOString() ?? ''} ${event.message ?? ''}`.trim());
    }
    const deployment = deploymentFor(service, options.taskDefinitionArn);
    if (!deployment) {
      return { ok: false, reason: `ECS shows no deployment of ${options.taskDefinitionArn}; the service runs ${service.taskDefinition ?? 'nothing'}` };
    }
    const summary = `rollout ${deployment.rolloutState ?? 'UNKNOWN'}: running ${deployment.runningCount ?? 0}/${deployment.desiredCount ?? 0}, pending ${deployment.pendingCount ?? 0}, failed tasks ${deployment.failedTasks ?? 0}`;
    if (summary !== lastSummary) output.stdout(summary);
    lastSummary = summary;
    if (deployment.rolloutState === 'FAILED') {
      output.stderr(`Error: ECS rollout failed: ${deployment.rolloutStateReason ?? 'no reason given'}`);
      return { ok: false, reason: deployment.rolloutStateReason ?? 'ECS marked the rollout FAILED' };
    }
    const counts = (deployment.runningCount ?? 0) >= (deployment.desiredCount ?? 0);
    if (deployment.rolloutState === 'COMPLETED' && counts) return { ok: true };
    // Services without rollout state (older deployment controllers) are done when the counts match.
    if (deployment.rolloutState === undefined && counts && (deployment.desiredCount ?? 0) > 0) return { ok: true };
    if (now() >= deadline) {
      output.stderr(`Error: rollout did not complete within ${Math.round(settings.rolloutTimeoutMs / 1000)} s (${summary})`);
      return { ok: false, reason: `the rollout did not complete within ${Math.round(settings.rolloutTimeoutMs / 1000)} s (${summary})` };
    }
    await abortableDelay(Math.min(options.pollIntervalMs, Math.max(0, deadline - now())), step.signal);
  }
}

// ---- verify diagnostics -------------------------------------------------------------------------

/** Diagnostics appended after a failed verify (docs/product-rules.md, "Failures"). */
export async function appendDiagnostics(step: StepCall): Promise<void> {
  const { settings, output } = step;
  output.system('ECS diagnostics:');
  try {
    const service = await describeService(step);
    if (service) {
      output.stdout(`service ${settings.service}: status ${service.status}, running ${service.runningCount ?? 0}/${service.desiredCount ?? 0}, pending ${service.pendingCount ?? 0}, task definition ${service.taskDefinition ?? 'none'}`);
      const events = (service.events ?? []).slice(0, 10).reverse();
      if (events.length === 0) output.stdout('no recent service events');
      for (const event of events) output.stdout(`event ${event.createdAt?.toISOString() ?? ''} ${event.message ?? ''}`);
    }
    const stopped = await listStoppedTasks(step.clients, settings.cluster, settings.service, 10);
    if (stopped.length === 0) output.stdout('no stopped tasks');
    for (const task of stopped) output.stdout(describeStoppedTask(task));
  } catch (error) {
    output.stderr(`could not collect ECS diagnostics: ${errorMessage(error)}`);
  }
}

/** The first running task of the service, for the deployment's task ARN. */
export async function firstRunningTask(step: StepCall): Promise<string | null> {
  try {
    const listed = await step.clients.ecs.send(new ListTasksCommand({ cluster: step.settings.cluster, serviceName: step.settings.service, desiredStatus: 'RUNNING' }));
    return listed.taskArns?.[0] ?? null;
  } catch {
    return null;
  }
}

// ---- stop ---------------------------------------------------------------------------------------

/** The stop for ECS: desired count 0, and the service deleted when the settings ask for it. */
export async function stopService(step: StepCall): Promise<void> {
  const { clients, settings, output } = step;
  output.system(`[STOP] scaling ECS service ${settings.service} to 0`);
  await call('ECS UpdateService', step, () => clients.ecs.send(new UpdateServiceCommand({ cluster: settings.cluster, service: settings.service, desiredCount: 0 })));
  if (settings.deleteServiceOnStop) {
    output.system(`[STOP] deleting ECS service ${settings.service}`);
    await call('ECS DeleteService', step, () => clients.ecs.send(new DeleteServiceCommand({ cluster: settings.cluster, service: settings.service, force: true })));
  }
}
