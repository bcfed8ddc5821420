import type { Database } from 'better-sqlite3';
import { openDatabase } from './database';
import { DeploymentRepository } from './deployments';
import { EngineStateRepository } from './engine-state';
import { LogLineRepository } from './log-lines';
import { MetricRepository } from './metrics';
import { ProjectRepository } from './projects';
import { ReleaseRepository } from './releases';
import { RunRepository } from './runs';
import { SecretRepository } from './secrets';

/** The engine's typed window onto its SQLite file. One per engine process. */
export class Store {
  readonly projects: ProjectRepository;
  readonly deployments: DeploymentRepository;
  readonly runs: RunRepository;
  readonly releases: ReleaseRepository;
  readonly logLines: LogLineRepository;
  readonly metrics: MetricRepository;
  readonly state: EngineStateRepository;
  readonly secrets: SecretRepository;

  constructor(readonly db: Database) {
    this.projects = new ProjectRepository(db);
    this.deployments = new DeploymentRepository(db);
    this.runs = new RunRepository(db);
    this.releases = new ReleaseRepository(db);
    this.logLines = new LogLineRepository(db);
    this.metrics = new MetricRepository(db);
    this.state = new EngineStateRepository(db);
    this.secrets = new SecretRepository(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
