import type { HandlerContext } from './handler-context';
import { notFound } from '../../engine-error';
import type { Handlers } from '../dispatcher';
import { requireProject } from './projects';

type RunHandlers = Pick<Handlers, 'deploy' | 'rollback' | 'listRuns' | 'listReleases' | 'getRun' | 'pauseRun' | 'resumeRun' | 'stopRun'>;

export function runHandlers(engine: HandlerContext): RunHandlers {
  const requireRun = (id: string) => {
    const run = engine.store.runs.getDetail(id);
    if (!run) throw notFound('run', id);
    return run;
  };
  return {
    deploy: ({ id }) => engine.controller.deploy(requireProject(engine, id)),
    rollback: async ({ id, releaseId }) => ({ run: await engine.controller.rollback(requireProject(engine, id), releaseId) }),
    // With steps, so history and compare views get per-step durations in one request.
    listRuns: ({ id }) => engine.store.runs.listForProject(requireProject(engine, id).id).map((run) => ({ ...run, steps: engine.store.runs.steps(run.id) })),
    listReleases: ({ id }) => engine.store.releases.listForProject(requireProject(engine, id).id),
    getRun: ({ id }) => requireRun(id),
    pauseRun: ({ id }) => engine.controller.pause(requireRun(id).id),
    resumeRun: ({ id }) => engine.controller.resume(requireRun(id).id),
    stopRun: ({ id }) => engine.controller.stop(requireRun(id).id),
  };
}
