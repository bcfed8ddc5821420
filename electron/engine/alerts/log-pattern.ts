// A log-pattern rule's matcher: RE2 (linear time, like full-history search), so a pattern cannot stall the
// engine thread that also stores every log line. A literal every match must contain is checked first
// when the pattern is case-sensitive.
import { RE2JS } from 're2js';
import { EngineError } from '../engine-error';
import { requiredLiteral } from '../logs/line-pattern';

export type LineMatcher = (text: string) => boolean;

/** Compiles a rule's pattern; a pattern RE2 refuses is bad input that names the field. */
export function compileLogPattern(pattern: string, caseSensitive: boolean): LineMatcher {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    throw new EngineError(
      'VALIDATION_FAILED',
      `trigger.pattern: not a pattern Berth can match (${reason}). It uses RE2 syntax, which has no look-arounds or back-references.`,
      'trigger.pattern',
    );
  }
  // Only when case matters: RE2's case folding (ſ matches s, K matches k) is not JavaScript's toLowerCase.
  const literal = caseSensitive ? requiredLiteral(pattern) : '';
  if (literal.length < 2) return (text) => compiled.test(text);
  return (text) => text.includes(literal) && compiled.test(text);
}
