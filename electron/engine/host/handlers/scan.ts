import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanRecord } from '../../../../shared/scan';
import { effectiveHealthCheck, effectivePort } from '../../../../shared/effective-settings';
import { isZeroConfigShape } from '../../../../shared/scan-summary';
import { buildContextIgnores } from '../../scan/build-context-ignores';
import { DOCKERIGNORE } from '../../scan/build-context';
import { generateDockerfile, type GeneratedDockerfile } from '../../scan/dockerfile-template';
import { scanOverridesFor } from '../../scan/project-overrides';
import { scanProject } from '../../scan/scan-project';
import type { ProjectRecord } from '../../store/projects';
import type { Handlers } from '../dispatcher';
import { EngineError } from '../../engine-error';
import type { HandlerContext } from './handler-context';
import { requireProject } from './projects';

type ScanHandlers = Pick<Handlers, 'getProjectScan' | 'scanFolder' | 'getProjectDockerfile' | 'ejectProject'>;

export function scanHandlers(engine: HandlerContext): ScanHandlers {
  /**
   * The Dockerfile Berth builds a zero-config project with, from a fresh scan, as the build step generates it:
   * what the preview shows is what eject writes. A conflict for the shapes Berth does not generate one for.
   */
  async function generatedDockerfileOf(project: ProjectRecord): Promise<{ scan: ScanRecord; generated: GeneratedDockerfile }> {
    const scan = await scanProject(project.sourceDir, scanOverridesFor(project.settings));
    if (!isZeroConfigShape(scan)) {
      const why =
      scan.refusal?.message ??
      (scan.shape === 'multi'
        ? `it is a Compose stack (${scan.composeFile}): its services build as the compose file says`
        : `it is ${scan.shape}: ${scan.shape === 'existing_docker' ? `it builds from ${scan.dockerfile} already` : 'Berth does not generate its Dockerfile'}`);
      throw new EngineError('CONFLICT', `There is no generated Dockerfile for "${project.name}": ${why}`);
    }
    const baseImages = project.settings.build?.baseImages;
    return { scan, generated: generateDockerfile(scan, { env: engine.config.baseImageEnv, ...(baseImages ? { baseImages } : {}) }) };
  }

  return {
    getProjectScan: ({ id }) => {
      const project = requireProject(engine, id);
      return scanProject(project.sourceDir, scanOverridesFor(project.settings));
    },
    scanFolder: ({ sourceDir }) => scanProject(sourceDir),
    getProjectDockerfile: async ({ id }) => {
      const { generated } = await generatedDockerfileOf(requireProject(engine, id));
      return { text: generated.text, baseImages: generated.baseImages.map(({ role, image, source, evidence }) => ({ role, image, source, evidence })) };
    },
    ejectProject: async ({ id }) => {
      const project = requireProject(engine, id);
      const { scan, generated } = await generatedDockerfileOf(project);
      const dockerfilePath = join(project.sourceDir, 'Dockerfile');
      if (existsSync(dockerfilePath)) throw new EngineError('CONFLICT', `${dockerfilePath} exists already; Berth does not overwrite it. Remove it first to save the generated one.`);
      const written: string[] = [];
      // The generated build leaves out what its defaults leave out, and copies neither its Dockerfile nor its
      // .dockerignore into the image; this .dockerignore makes the saved Dockerfile build the same image.
      const dockerignorePath = join(project.sourceDir, DOCKERIGNORE);
      if (!existsSync(dockerignorePath)) {
        const lines = ['# Written by Berth with the Dockerfile: what the build leaves out.', 'Dockerfile', DOCKERIGNORE, ...buildContextIgnores(scan, null).patterns];
        writeFileSync(dockerignorePath, `${lines.join('\n')}\n`, { flag: 'wx' });
        written.push(dockerignorePath);
      }
      writeFileSync(dockerfilePath, generated.text, { flag: 'wx' });
      written.unshift(dockerfilePath);
      // From now on the folder is a Dockerfile project, whose defaults differ (GET /health, 2xx–3xx): the port
      // and the health check it was deployed with become its settings, so the next deploy checks the same.
      const { settings } = project;
      const health = effectiveHealthCheck(settings, scan).value;
      engine.store.projects.update(project.id, {
        settings: {
          ...settings,
          port: effectivePort(settings, scan).value,
          ...(settings.healthPath === undefined ? { healthPath: health.path, healthRule: health.rule } : {}),
        },
      });
      engine.events.emit('projectsChanged', { projectId: project.id });
      return { written };
    },
  };
}
