import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildContextIgnores } from '../../scan/build-context-ignores';
import { DOCKERIGNORE } from '../../scan/build-context';
import { generateDockerfile } from '../../scan/dockerfile-template';
import { GENERATED_SHAPES } from '../../targets/project-build';
import { scanOverridesFor } from '../../scan/project-overrides';
import { scanProject } from '../../scan/scan-project';
import type { Handlers } from '../dispatcher';
import { EngineError } from '../../engine-error';
import type { HandlerContext } from './handler-context';
import { requireProject } from './projects';

type ScanHandlers = Pick<Handlers, 'getProjectScan' | 'scanFolder' | 'ejectProject'>;

export function scanHandlers(engine: HandlerContext): ScanHandlers {
  return {
    getProjectScan: ({ id }) => {
      const project = requireProject(engine, id);
      return scanProject(project.sourceDir, scanOverridesFor(project.settings));
    },
    scanFolder: ({ sourceDir }) => scanProject(sourceDir),
    ejectProject: async ({ id }) => {
      const project = requireProject(engine, id);
      const scan = await scanProject(project.sourceDir, scanOverridesFor(project.settings));
      if (scan.shape === null || !GENERATED_SHAPES.has(scan.shape) || scan.refusal) {
        const why = scan.refusal?.message ?? `it is ${scan.shape}: ${scan.shape === 'existing_docker' ? `it builds from ${scan.dockerfile} already` : 'Berth does not generate its Dockerfile'}`;
        throw new EngineError('CONFLICT', `There is no generated Dockerfile to save for "${project.name}": ${why}`);
      }
      const dockerfilePath = join(project.sourceDir, 'Dockerfile');
      if (existsSync(dockerfilePath)) throw new EngineError('CONFLICT', `${dockerfilePath} exists already; Berth does not overwrite it. Remove it first to save the generated one.`);
      const { text } = generateDockerfile(scan, { env: engine.config.baseImageEnv, ...(project.settings.build?.baseImages ? { baseImages: project.settings.build.baseImages } : {}) });
      const written: string[] = [];
      // The generated build leaves out what its defaults leave out, and copies neither its Dockerfile nor its
      // .dockerignore into the image; this .dockerignore makes the saved Dockerfile build the same image.
      const dockerignorePath = join(project.sourceDir, DOCKERIGNORE);
      if (!existsSync(dockerignorePath)) {
        const lines = ['# Written by Berth with the Dockerfile: what the build leaves out.', 'Dockerfile', DOCKERIGNORE, ...buildContextIgnores(scan, null).patterns];
        writeFileSync(dockerignorePath, `${lines.join('\n')}\n`, { flag: 'wx' });
        written.push(dockerignorePath);
      }
      writeFileSync(dockerfilePath, text, { flag: 'wx' });
      written.unshift(dockerfilePath);
      engine.events.emit('projectsChanged', { projectId: project.id });
      return { written };
    },
  };
}
