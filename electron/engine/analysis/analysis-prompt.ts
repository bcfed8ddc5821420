// What Analyze asks the model, built from the facts Berth has about a failed run or a crash. Pure: the
// service (analysis-service.ts) gathers the facts; redaction happens after this, over the whole text.
import type { Failure, RunKind, StepName, Target } from '../../../shared';

export interface ChatMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/** A stored line as the prompt quotes it. */
export interface QuotedLine {
  readonly lineNo: number;
  readonly text: string;
}

/** The project's shape, from the scan, when it could be read. */
export interface ShapeFacts {
  readonly shape: string;
  readonly runtime: string | null;
  readonly startCommand: string | null;
  readonly buildCommand: string | null;
  readonly port: number | null;
}

export interface ProjectFacts {
  readonly name: string;
  readonly target: Target;
  readonly shape: ShapeFacts | null;
  readonly memoryLimitMb: number;
  readonly restartPolicy: string;
}

export interface RunFacts {
  readonly project: ProjectFacts;
  readonly runId: string;
  readonly runKind: RunKind;
  readonly failure: Failure;
  readonly failedStep: StepName | null;
  /** The failed step's own lines, in order. */
  readonly stepLines: readonly QuotedLine[];
}

export interface CrashFacts {
  readonly project: ProjectFacts;
  readonly deploymentId: string;
  /** The `[CRASH] exit=… oom=…` line. */
  readonly crashLine: string;
  readonly crashedAt: string;
  /** The app's own output just before the crash, in order. */
  readonly linesBefore: readonly QuotedLine[];
}

export interface Budget {
  /** Lines kept from the start of a long output (the set-up), the rest from its end (where it failed). */
  readonly headLines: number;
  /** Characters of quoted output in all. */
  readonly maxChars: number;
  /** Characters of one line. */
  readonly maxLineChars: number;
}

export const STEP_BUDGET: Budget = { headLines: 40, maxChars: 16_000, maxLineChars: 400 };
export const CRASH_BUDGET: Budget = { headLines: 0, maxChars: 12_000, maxLineChars: 400 };

export const SYSTEM_PROMPT = [
  'You help a developer fix a failed deployment. Berth, a desktop tool that deploys projects to local Docker or AWS ECS,',
  'classified the failure and collected the logs below. Secrets were replaced with [REDACTED:…] marks before this was sent.',
  'Answer briefly, in plain text (short lists are fine):',
  '1. The most likely root cause, quoting the log line that shows it. The first error is usually the cause; later errors are often its cascade.',
  '2. The concrete fix: commands, file changes or Berth settings.',
  '3. If you are not sure, what to check next.',
].join('\n');

const clipLine = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Head and tail of a long output within the budget: the first `headLines` lines, then as many of the last
 * lines as fit, with a marker saying how many were left out between them.
 */
export function headAndTail(lines: readonly QuotedLine[], budget: Budget): { text: string; omitted: number } {
  const clipped = lines.map((line) => clipLine(line.text, budget.maxLineChars));
  const size = (list: readonly string[]) => list.reduce((total, text) => total + text.length + 1, 0);
  if (size(clipped) <= budget.maxChars) return { text: clipped.join('\n'), omitted: 0 };
  const head: string[] = [];
  let used = 0;
  for (const text of clipped.slice(0, budget.headLines)) {
    if (used + text.length + 1 > budget.maxChars / 4) break;
    head.push(text);
    used += text.length + 1;
  }
  const tail: string[] = [];
  for (let index = clipped.length - 1; index >= head.length; index -= 1) {
    const text = clipped[index]!;
    if (used + text.length + 1 > budget.maxChars) break;
    tail.unshift(text);
    used += text.length + 1;
  }
  const omitted = clipped.length - head.length - tail.length;
  return { text: [...head, `… ${omitted} line${omitted === 1 ? '' : 's'} left out …`, ...tail].join('\n'), omitted };
}

function projectSection(project: ProjectFacts): string[] {
  const where = project.target === 'ecs' ? 'AWS ECS' : project.target === 's3' ? 'an AWS S3 bucket, as a static site' : 'local Docker';
  const lines = [`Project: ${project.name} (deployed to ${where})`];
  const shape = project.shape;
  if (shape) {
    const parts = [
      shape.runtime ? `runtime ${shape.runtime}` : null,
      shape.buildCommand ? `build \`${shape.buildCommand}\`` : null,
      shape.startCommand ? `start \`${shape.startCommand}\`` : null,
      shape.port ? `port ${shape.port}` : null,
    ].filter((part): part is string => part !== null);
    lines.push(`Shape: ${shape.shape}${parts.length ? ` (${parts.join(', ')})` : ''}`);
  }
  return lines;
}

export function runPrompt(facts: RunFacts, budget: Budget = STEP_BUDGET): ChatMessage[] {
  const { failure } = facts;
  const output = headAndTail(facts.stepLines, budget);
  const first = facts.stepLines[0]?.lineNo;
  const last = facts.stepLines.at(-1)?.lineNo;
  const user = [
    ...projectSection(facts.project),
    `Run: ${facts.runKind} ${facts.runId}, failed at the ${failure.stage} stage`,
    `Failure code: ${failure.code} (${failure.category}${failure.retryable ? ', retryable' : ''}) — ${failure.summary}`,
    `Berth's likely cause: ${failure.likelyCause}`,
    '',
    failure.evidence.line !== null ? `Evidence (line ${failure.evidence.lineNo ?? '?'}), the first error line of the failed step:\n${failure.evidence.line}` : 'No error line was captured as evidence.',
    ...(failure.evidence.context.length > 0 ? ['', 'Context around the evidence:', ...failure.evidence.context] : []),
    '',
    facts.stepLines.length > 0
      ? `Output of the failed step${facts.failedStep ? ` "${facts.failedStep}"` : ''} (lines ${first}–${last}${output.omitted ? `; ${output.omitted} left out in the middle` : ''}):\n${output.text}`
      : 'The failed step wrote no output.',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

export function crashPrompt(facts: CrashFacts, budget: Budget = CRASH_BUDGET): ChatMessage[] {
  const output = headAndTail(facts.linesBefore, budget);
  const user = [
    ...projectSection(facts.project),
    `The deployed app crashed at ${facts.crashedAt}: ${facts.crashLine}`,
    `Container settings: memory limit ${facts.project.memoryLimitMb} MB, restart policy ${facts.project.restartPolicy}.`,
    '',
    facts.linesBefore.length > 0
      ? `The app's last output before the crash (${facts.linesBefore.length} lines${output.omitted ? `, ${output.omitted} left out` : ''}):\n${output.text}`
      : 'The app wrote no output before the crash.',
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
}

/** The chat-completions body, streamed. */
export function chatRequestBody(model: string, messages: readonly ChatMessage[]): string {
  return JSON.stringify({ model, stream: true, messages });
}

/** `<baseUrl>/chat/completions`, one slash between. */
export function chatCompletionsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}
