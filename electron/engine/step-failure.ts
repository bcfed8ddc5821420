// The classified failures a step can end with. They sit at the bottom of the engine so that every
// layer that runs step work (builds, AWS calls, targets, the runner) can throw them.
import type { FailureCode } from '../../shared';

/**
 * A step failure the target understands. Throw it from `runStep`; the classifier turns it into the
 * run's Failure (stage = the step, category/summary/retryable from FAILURE_CODE_INFO, evidence =
 * the first error line of the step unless `evidenceLineNo` points elsewhere).
 */
export class StepFailure extends Error {
  constructor(
    readonly code: FailureCode,
    /** One sentence: what most likely went wrong, and what to do. */
    readonly likelyCause: string,
    readonly options: {
      /** Use this line as evidence. */
      readonly evidenceLineNo?: number;
      /** Use this line only when no line of the step reads as an error. */
      readonly fallbackEvidenceLineNo?: number;
      readonly cause?: unknown;
    } = {},
  ) {
    super(likelyCause);
    this.name = 'StepFailure';
  }
}

/** A stop request reached the step: the runner marks the run `stopped`, not `failed`. */
export class StepAborted extends Error {
  constructor(message = 'The run was stopped.') {
    super(message);
    this.name = 'StepAborted';
  }
}
