// What the request handlers work with: the engine's store, pipeline and clients. The Engine satisfies
// it; the handlers never import the Engine itself.
import type Dockerode from 'dockerode';
import type { EngineConfig } from '../../config';
import type { EventsPort } from '../../context';
import type { DeploymentController } from '../../pipeline/deployment-controller';
import type { SecretVault } from '../../secrets/secret-vault';
import type { Store } from '../../store/store';

export interface HandlerContext {
  readonly config: Pick<EngineConfig, 'awsEndpoint' | 'baseImageEnv'>;
  readonly store: Store;
  readonly events: EventsPort;
  readonly docker: Dockerode;
  readonly controller: DeploymentController;
  readonly vault: SecretVault;
}
