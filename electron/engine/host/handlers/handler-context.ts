// What the request handlers work with: the engine's store, pipeline and clients. The Engine satisfies
// it; the handlers never import the Engine itself.
import type Dockerode from 'dockerode';
import type { EngineConfig } from '../../config';
import type { AlertEngine } from '../../alerts/alert-engine';
import type { AnalysisService } from '../../analysis/analysis-service';
import type { EventsPort } from '../../context';
import type { LogWriter } from '../../logs/log-writer';
import type { DeploymentController } from '../../pipeline/deployment-controller';
import type { SecretVault } from '../../secrets/secret-vault';
import type { Store } from '../../store/store';

export interface HandlerContext {
  readonly config: Pick<EngineConfig, 'awsEndpoint' | 'baseImageEnv' | 'dataDir'>;
  readonly store: Store;
  readonly events: EventsPort;
  readonly logs: Pick<LogWriter, 'diskFull'>;
  readonly docker: Dockerode;
  readonly controller: DeploymentController;
  readonly vault: SecretVault;
  /** Where secrets named as environment variables are read. */
  readonly env: NodeJS.ProcessEnv;
  readonly alerts: Pick<AlertEngine, 'rulesChanged' | 'testChannel'>;
  readonly analysis: AnalysisService;
}
