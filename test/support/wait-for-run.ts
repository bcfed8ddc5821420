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

/** The text of the lines a run wrote for one step. */
export function stepLinesOf(engine: Engine, run: RunDetail, step: string): string[] {
  engine.logs.flush();
  return engine.store.logLines
    .since(run.deploymentId, 0, 100_000)
    .filter((line) => line.runId === run.id && line.step === step)
    .map((line) => line.text);
}
