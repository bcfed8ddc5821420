import type { Database } from 'better-sqlite3';
import { AlertChannelRepository } from './alert-channels';
import { AlertHistoryRepository } from './alert-history';
import { AlertRuleRepository } from './alert-rules';
import { AlertStateRepository } from './alert-state';
import { AnalysisRepository } from './analyses';
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
  readonly alertChannels: AlertChannelRepository;
  readonly alertRules: AlertRuleRepository;
  readonly alertState: AlertStateRepository;
  readonly alertHistory: AlertHistoryRepository;
  readonly analyses: AnalysisRepository;

  constructor(readonly db: Database) {
    this.projects = new ProjectRepository(db);
    this.deployments = new DeploymentRepository(db);
    this.runs = new RunRepository(db);
    this.releases = new ReleaseRepository(db);
    this.logLines = new LogLineRepository(db);
    this.metrics = new MetricRepository(db);
    this.state = new EngineStateRepository(db);
    this.secrets = new SecretRepository(db);
    this.alertChannels = new AlertChannelRepository(db);
    this.alertRules = new AlertRuleRepository(db);
    this.alertState = new AlertStateRepository(db);
    this.alertHistory = new AlertHistoryRepository(db);
    this.analyses = new AnalysisRepository(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
