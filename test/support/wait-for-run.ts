import { isFinishedRun, type RunDetail } from '../../shared';
import type { Engine } from '../../electron/engine/host/engine';

export const finished = (run: RunDetail): boolean => isFinishedRun(run.status);

/** Resolves with the run once `done` holds for it (by default: it finished), driven by runUpdated events. */
export function waitForRun(engine: Engine, runId: string, done: (run: RunDetail) => boolean = finished, timeoutMs = 120_000): Promise<RunDetail> {
  return new Promise<RunDetail>((resolve, reject) => {
    const check = (): void => {
      const run = engine.store.runs.getDetail(runId);
      if (run && done(run)) {
        off();
        clearTimeout(timer);
        resolve(run);
      }
    };
    const off = engine.events.on('runUpdated', (run) => {
      if (run.id === runId) check();
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`run ${runId} did not reach the expected state: ${JSON.stringify(engine.store.runs.getDetail(runId))}`));
    }, timeoutMs);
    check();
  });
}
