import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { RunDetail } from '../../../shared';
import { AlertEngine } from '../alerts/alert-engine';
import { ChannelSender } from '../alerts/channel-sender';
import { DeliveryQueue } from '../alerts/delivery-queue';
import { DEFAULT_RETRY_POLICY } from '../alerts/retry-schedule';
import { AnalysisService } from '../analysis/analysis-service';
import { clientsForProject, type AwsClients } from '../aws/aws-clients';
import { configFromEnv, type EngineConfig } from '../config';
import { Deployments } from '../deployments';
import { SocketReader } from '../docker/socket-reader';
import { EventBus } from '../event-bus';
import { LogHub } from '../logs/log-hub';
import { LogWriter } from '../logs/log-writer';
import { RotatingLogFile } from '../log-file';
import { addLogSink, createLogger } from '../logger';
import type { DeploymentMonitor } from '../monitor/deployment-monitor';
import { createMonitors, type MonitorContext } from '../monitor/monitors';
import { Notifier } from '../monitor/notifier';
import type { DeploymentController } from '../pipeline/deployment-controller';
import { PipelineController, type TargetSet } from '../pipeline/runner';
import { storedCredentials } from '../secrets/aws-credentials';
import { headlessVault, type SecretVault } from '../secrets/secret-vault';
import type { ProjectRecord } from '../store/projects';
import { Store } from '../store/store';
import { DockerTarget } from '../targets/docker/docker-target';
import { EcsTarget } from '../targets/ecs/ecs-target';
import { S3Target } from '../targets/s3/s3-target';
import { siteArtifactsRoot } from '../targets/s3/site-artifact';
import { createDispatcher, type Dispatch } from './dispatcher';
import { createHandlers } from './handlers';
import { RetentionJob } from './retention-job';
import { LineSliceIndexer } from '../logs/line-slice-indexer';

const log = createLogger('host/engine');

export interface EngineOptions {
  readonly config?: Partial<EngineConfig>;
  /** Inject a Docker client (tests point it at the local engine); default follows DOCKER_HOST. */
  readonly docker?: Dockerode;
  /** Builds runtime monitoring from the engine's ports; the default watches Docker and ECS deployments. */
  readonly monitor?: (context: MonitorContext) => DeploymentMonitor;
  /** Seals secrets (AWS keys) with the OS keychain: the desktop app's safeStorage. Default: none (headless refuses secrets). */
  readonly vault?: SecretVault;
  /** Where secrets named as environment variables are read (alert channels, the analysis key). Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The one engine process: the desktop app and `berth serve` both run this. It is the one place that
 * builds the engine's services and wires each the narrow ports it needs (see context.ts).
 */
export class Engine {
  readonly config: EngineConfig;
  readonly store: Store;
  readonly logs: LogWriter;
  readonly hub: LogHub;
  readonly events = new EventBus();
  readonly deployments: Deployments;
  readonly notifier: Notifier;
  /** Decides what becomes an alert and delivers it (the desktop notifications included). */
  readonly alerts: AlertEngine;
  readonly delivery: DeliveryQueue;
  readonly analysis: AnalysisService;
  readonly docker: Dockerode;
  /** The one worker thread that reads Docker log sockets; the engine closes it last. */
  readonly socketReader = new SocketReader();
  readonly monitor: DeploymentMonitor;
  readonly targets: TargetSet;
  readonly controller: DeploymentController;
  readonly dispatch: Dispatch;
  readonly vault: SecretVault;
  /** Berth's own log, `<dataDir>/logs/berth.log` (a desktop app's stderr goes nowhere). */
  readonly logFile: RotatingLogFile;
  private readonly detachLogFile: () => void;
  readonly env: NodeJS.ProcessEnv;
  private readonly retention: RetentionJob;
  /** Builds the search index's line slices for full blocks while the writer is not flooded. */
  private readonly sliceIndexer: LineSliceIndexer;

  private constructor(options: EngineOptions) {
    this.config = { ...configFromEnv(), ...options.config };
    mkdirSync(this.config.dataDir, { recursive: true, mode: 0o700 });
    this.store = Store.open(join(this.config.dataDir, 'berth.db'));
    try {
      chmodSync(join(this.config.dataDir, 'berth.db'), 0o600);
    } catch {
      // not fatal: the data dir is already private
    }
    this.logFile = new RotatingLogFile(join(this.config.dataDir, 'logs'));
    this.detachLogFile = addLogSink((line) => this.logFile.write(line));
    const { store, events, config } = this;
    this.logs = new LogWriter(store);
    this.sliceIndexer = new LineSliceIndexer(store, this.logs);
    this.hub = new LogHub(store, this.logs, (deploymentId) => this.activeRun(deploymentId));
    this.docker = options.docker ?? new Dockerode();
    this.vault = options.vault ?? headlessVault;
    this.deployments = new Deployments(store.deployments, events);
    const env = (this.env = options.env ?? process.env);
    this.delivery = new DeliveryQueue({
      history: store.alertHistory,
      channels: store.alertChannels,
      sender: new ChannelSender({ events, vault: this.vault, env, timeoutMs: config.alertTimeoutMs }),
      projects: store.projects,
      policy: { ...DEFAULT_RETRY_POLICY, baseMs: config.alertRetryMs },
    });
    this.alerts = new AlertEngine({
      rules: store.alertRules,
      channels: store.alertChannels,
      state: store.alertState,
      history: store.alertHistory,
      projects: store.projects,
      deployments: this.deployments,
      delivery: this.delivery,
      tickMs: config.alertCheckMs,
    });
    this.notifier = new Notifier(this.alerts);
    this.analysis = new AnalysisService({ store, events, vault: this.vault, env });
    // Log-pattern rules see lines once they are committed; metric rules see samples once they are stored.
    this.logs.onCommit((deploymentId, lines) => this.alerts.linesCommitted(deploymentId, lines));
    const metrics = {
      insertSamples: (samples: Parameters<typeof store.metrics.insertSamples>[0]) => {
        store.metrics.insertSamples(samples);
        this.alerts.samplesStored(samples);
      },
      insertProbe: (probe: Parameters<typeof store.metrics.insertProbe>[0]) => store.metrics.insertProbe(probe),
    };
    const credentials = storedCredentials(store.secrets, this.vault);
    const awsClients = (project: ProjectRecord): AwsClients => clientsForProject(project, config.awsEndpoint, credentials);
    const { docker, deployments, logs, notifier, socketReader } = this;
    this.monitor = (options.monitor ?? createMonitors)({
      docker,
      deployments,
      projects: store.projects,
      metrics,
      storedLines: store.logLines,
      state: store.state,
      logs,
      notifier,
      socketReader,
      awsClients,
      config,
    });
    const monitor = this.monitor;
    this.targets = {
      docker: new DockerTarget({ docker, socketReader, deployments, releases: store.releases, runs: store.runs, logs, monitor, config }),
      ecs: new EcsTarget({
        docker,
        projects: store.projects,
        awsClients,
        deployments,
        releasesOf: (deploymentId) => store.releases.listForDeployment(deploymentId),
        state: store.state,
        baseImageEnv: config.baseImageEnv,
      }),
      s3: new S3Target({
        docker,
        awsClients,
        releases: store.releases,
        artifactsDir: siteArtifactsRoot(config.dataDir),
        endpoint: config.awsEndpoint,
        baseImageEnv: config.baseImageEnv,
      }),
    };
    this.controller = new PipelineController({ store, deployments, logs, events, monitor, notifier, targets: this.targets });
    this.dispatch = createDispatcher(createHandlers(this));
    this.retention = new RetentionJob(store, config.retentionIntervalMs, config.logBudgetCheckMs);
  }

  static async start(options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.controller.recover();
    } catch (error) {
      log.warn('Start-up recovery did not finish; it will be retried on the next start.', error);
    }
    engine.alerts.start();
    engine.analysis.start();
    await engine.monitor.start();
    engine.retention.start();
    engine.sliceIndexer.start();
    return engine;
  }

  activeRun(deploymentId: string): RunDetail | null {
    return this.store.runs.activeForDeployment(deploymentId) ?? this.store.runs.latestForDeployment(deploymentId) ?? null;
  }

  async close(): Promise<void> {
    this.retention.stop();
    this.sliceIndexer.stop();
    // First: no receiver is tried while the rest shuts down. Signals that still come become pending rows,
    // which the next start sends.
    this.analysis.close();
    await this.alerts.close();
    await this.monitor.close();
    await this.controller.close();
    // After the monitor and the pipeline: their followers and diagnostics read through it.
    await this.socketReader.close();
    this.hub.close();
    this.logs.close();
    this.store.close();
    this.detachLogFile();
    await this.logFile.close();
  }
}
