import type { EngineStatus } from '../../../../shared';
import type { Engine } from '../engine';
import type { Handlers } from '../dispatcher';
import { berthVersion } from '../version';

async function dockerStatus(engine: Engine): Promise<EngineStatus['docker']> {
  try {
    const version = await withTimeout(engine.docker.version(), 3000);
    return { reachable: true, version: version.Version, error: null };
  } catch (error) {
    return {
      reachable: false,
      version: null,
      error: `The Docker engine is not reachable (${error instanceof Error ? error.message : String(error)}). Start Docker, or set DOCKER_HOST.`,
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))),
    );
  });
}

export function statusHandlers(engine: Engine): Pick<Handlers, 'getStatus'> {
  return {
    getStatus: async () => {
      const docker = await dockerStatus(engine);
      const env = process.env;
      const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null;
      const configured = Boolean(env['AWS_PROFILE'] || env['AWS_ACCESS_KEY_ID'] || engine.config.awsEndpoint);
      return {
        version: berthVersion(),
        docker,
        aws: { configured, endpoint: engine.config.awsEndpoint, region },
        degraded: !docker.reachable,
      };
    },
  };
}
