// Turns a failed step into the run's Failure (docs/product-rules.md, "Failures"): stage, category, code, retryable, summary,
// likely cause and evidence. Pure: the runner hands it the step's lines.
import { FAILURE_CODE_INFO, FAILURE_STAGES, type Failure, type FailureCode, type FailureStage, type StepName } from '../../../shared';
import { isErrorLine, stripAnsi } from '../../../shared/error-lines';

export interface EvidenceLine {
  readonly lineNo: number;
  readonly text: string;
}

export interface FailureInput {
  readonly step: StepName | null;
  readonly code: FailureCode;
  readonly likelyCause: string;
  /** The failed step's own lines, in lineNo order. */
  readonly lines: readonly EvidenceLine[];
  /** Use this line as evidence instead of the first error line. */
  readonly evidenceLineNo?: number;
  /** Use this line when no line reads as an error (instead of the step's last line). */
  readonly fallbackEvidenceLineNo?: number;
}

const CONTEXT_BEFORE = 3;
const CONTEXT_AFTER = 3;

export function stageFor(step: StepName | null): FailureStage {
  return step && (FAILURE_STAGES as readonly string[]).includes(step) ? (step as FailureStage) : 'unknown';
}

/**
 * The evidence line: the one asked for, else the first error line of the step ("the first
 * error line in the failed step is usually the root cause"), else the step's last line.
 */
export function pickEvidence(lines: readonly EvidenceLine[], evidenceLineNo?: number, fallbackLineNo?: number): Failure['evidence'] {
  if (lines.length === 0) return { lineNo: null, line: null, context: [] };
  const indexOf = (lineNo: number | undefined): number => (lineNo === undefined ? -1 : lines.findIndex((line) => line.lineNo === lineNo));
  let index = indexOf(evidenceLineNo);
  if (index === -1) index = lines.findIndex((line) => isErrorLine(line.text));
  if (index === -1) index = indexOf(fallbackLineNo);
  if (index === -1) index = lines.length - 1;
  const chosen = lines[index]!;
  const context = lines.slice(Math.max(0, index - CONTEXT_BEFORE), index + CONTEXT_AFTER + 1).map((line) => stripAnsi(line.text));
  return { lineNo: chosen.lineNo, line: stripAnsi(chosen.text), context };
}

export function classifyFailure(input: FailureInput): Failure {
  const info = FAILURE_CODE_INFO[input.code];
  return {
    stage: stageFor(input.step),
    category: info.category,
    code: input.code,
    retryable: info.retryable,
    summary: info.summary,
    likelyCause: input.likelyCause,
    evidence: pickEvidence(input.lines, input.evidenceLineNo, input.fallbackEvidenceLineNo),
  };
}
