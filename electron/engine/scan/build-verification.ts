// The scan record's build verification (`build_verification.log_excerpt` in the product's words): after the build step,
// passed, or failed with an excerpt around the first failing install line (npm, pip, go), else around
// the first error line. Pure: the build's output lines in, the record's field out.
import { firstErrorLineIndex, stripAnsi } from '../../../shared/error-lines';
import type { ScanBuildVerification } from '../../../shared/scan';

// Dependency installs fail in these words; the first such line is the root cause (the rest cascades).
const INSTALL_FAILURES: readonly RegExp[] = [
  /\bnpm (?:ERR!|error) (?:code|404|notarget|ERESOLVE|E\d{3})\b/,
  /\berror An unexpected error occurred: ".*"\.?$|\bYN\d{4}:.*(?:fail|not found|doesn't exist)/i, // yarn 1 / berry
  /\bERR_PNPM_\w+/,
  /\bERROR: (?:Could not find a version that satisfies|No matching distribution found)/,
  /\bERROR: (?:Failed building wheel|Could not build wheels|Cannot install|ResolutionImpossible)/,
  /^go: (?:.* )?(?:module .* not found|unknown revision|reading .*: 404|verifying .*: checksum mismatch)/,
  /^go: .*: (?:missing go\.sum entry|cannot find module)/,
];

const LINES_BEFORE = 3;
const LINES_AFTER = 12;
export const MAX_EXCERPT_CHARS = 16_384;

/** The index of the first failing dependency-install line, or -1. */
export function firstInstallFailureIndex(lines: readonly string[]): number {
  return lines.findIndex((line) => {
    const plain = stripAnsi(line);
    return INSTALL_FAILURES.some((pattern) => pattern.test(plain));
  });
}

export function scanBuildVerification(outcome: 'passed' | 'failed', lines: readonly string[]): ScanBuildVerification {
  if (outcome === 'passed') return { status: 'passed' };
  const install = firstInstallFailureIndex(lines);
  const error = install >= 0 ? install : firstErrorLineIndex(lines);
  // No line reads as an error: the end of the output is where a build that failed stopped.
  const at = error >= 0 ? error : Math.max(0, lines.length - LINES_AFTER);
  const excerpt = lines
    .slice(Math.max(0, at - LINES_BEFORE), at + LINES_AFTER + 1)
    .map(stripAnsi)
    .join('\n');
  return { status: 'failed', logExcerpt: excerpt.length > MAX_EXCERPT_CHARS ? `${excerpt.slice(0, MAX_EXCERPT_CHARS - 1)}…` : excerpt };
}
