import type { EngineStatus } from '../../../../shared';
import type { HandlerContext } from './handler-context';
import type { Handlers } from '../dispatcher';
import { withDockerTimeout } from '../../docker/call';
import { berthVersion } from '../version';

async function dockerStatus(engine: HandlerContext): Promise<EngineStatus['docker']> {
  try {
    const version = await withDockerTimeout(engine.docker.version(), 'a version request', { ms: 3000 });
    return { reachable: true, version: version.Version, error: null };
  } catch (error) {
    return {
      reachable: false,
      version: null,
      error: `The Docker engine is not reachable (${error instanceof Error ? error.message : String(error)}). Start Docker, or set DOCKER_HOST.`,
    };
  }
}

export function statusHandlers(engine: HandlerContext): Pick<Handlers, 'getStatus'> {
  return {
    getStatus: async () => {
      const docker = await dockerStatus(engine);
      const env = process.env;
      const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? null;
      const configured = Boolean(env['AWS_PROFILE'] || env['AWS_ACCESS_KEY_ID'] || engine.config.awsEndpoint);
      const full = engine.logs.diskFull;
      const disk = full
        ? { full: true, since: new Date(full.since).toISOString(), heldLines: full.heldLines, droppedLines: full.droppedLines }
        : { full: false, since: null, heldLines: 0, droppedLines: 0 };
      return {
        version: berthVersion(),
        docker,
        aws: { configured, endpoint: engine.config.awsEndpoint, region },
        disk,
        degraded: !docker.reachable || disk.full,
      };
    },
  };
}
