import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import type { RunDetail } from '../../../shared';
import { LogHub } from '../logs/log-hub';
import { LogWriter } from '../logs/log-writer';
import { createLogger } from '../logger';
import type { DeploymentController } from '../pipeline/deployment-controller';
import { createDeploymentController, registerTarget } from '../pipeline/create-controller';
import type { DeploymentMonitor } from '../monitor/deployment-monitor';
import { createDockerAndEcsMonitor } from '../monitor/ecs/combined-monitor';
import { headlessVault, type SecretVault } from '../secrets/secret-vault';
import { createEcsTarget } from '../targets/ecs/ecs-target';
import { Store } from '../store/store';
import { configFromEnv, type EngineConfig } from '../config';
import { createDispatcher, type Dispatch } from './dispatcher';
import { EventBus } from '../event-bus';
import { createHandlers } from './handlers';
import { RetentionJob } from './retention-job';

const log = createLogger('host/engine');

registerTarget('ecs', createEcsTarget);

export interface EngineOptions {
  readonly config?: Partial<EngineConfig>;
  /** Inject a Docker client (tests point it at the local engine); default follows DOCKER_HOST. */
  readonly docker?: Dockerode;
  /** Builds the deploy pipeline; the default is the real one. */
  readonly controller?: (context: EngineContext) => DeploymentController;
  /** Builds runtime monitoring; the default is the real one. */
  readonly monitor?: (context: EngineContext) => DeploymentMonitor;
  /** Seals secrets (AWS keys) with the OS keychain: the desktop app's safeStorage. Default: none (headless refuses secrets). */
  readonly vault?: SecretVault;
}

/** What every engine service gets: the one store, writer, bus and clients of this process. */
export interface EngineContext {
  readonly config: EngineConfig;
  readonly store: Store;
  readonly logs: LogWriter;
  readonly hub: LogHub;
  readonly events: EventBus;
  readonly docker: Dockerode;
  readonly monitor: DeploymentMonitor;
  /** Absent: no vault, as headless. */
  readonly vault?: SecretVault;
}

/** The one engine process (DESIGN §2): the desktop app and `berth serve` both run this. */
export class Engine implements EngineContext {
  readonly config: EngineConfig;
  readonly store: Store;
  readonly logs: LogWriter;
  readonly hub: LogHub;
  readonly events = new EventBus();
  readonly docker: Dockerode;
  readonly monitor: DeploymentMonitor;
  readonly controller: DeploymentController;
  readonly dispatch: Dispatch;
  readonly vault: SecretVault;
  private readonly retention: RetentionJob;

  private constructor(options: EngineOptions) {
    this.config = { ...configFromEnv(), ...options.config };
    mkdirSync(this.config.dataDir, { recursive: true, mode: 0o700 });
    this.store = Store.open(join(this.config.dataDir, 'berth.db'));
    try {
      chmodSync(join(this.config.dataDir, 'berth.db'), 0o600);
    } catch {
      // not fatal: the data dir is already private
    }
    this.logs = new LogWriter(this.store);
    this.hub = new LogHub(this.store, this.logs, (deploymentId) => this.activeRun(deploymentId));
    this.docker = options.docker ?? new Dockerode();
    this.vault = options.vault ?? headlessVault;
    this.monitor = (options.monitor ?? createDockerAndEcsMonitor)(this);
    this.controller = (options.controller ?? createDeploymentController)(this);
    this.dispatch = createDispatcher(createHandlers(this));
    this.retention = new RetentionJob(this.store, this.config.retentionIntervalMs);
  }

  static async start(options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.controller.recover();
    } catch (error) {
      log.warn('Start-up recovery did not finish; it will be retried on the next start.', error);
    }
    await engine.monitor.start();
    engine.retention.start();
    return engine;
  }

  activeRun(deploymentId: string): RunDetail | null {
    return this.store.runs.activeForDeployment(deploymentId) ?? this.store.runs.latestForDeployment(deploymentId) ?? null;
  }

  async close(): Promise<void> {
    this.retention.stop();
    await this.monitor.close();
    await this.controller.close();
    this.hub.close();
    this.logs.close();
    this.store.close();
  }
}
