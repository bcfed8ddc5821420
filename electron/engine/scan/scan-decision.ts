// A decision of the scan with where it came from: the folder, the project's settings, or Berth's default.
import type { ScanDecision, ScanTopic } from '../../../shared/scan';

export function detected(topic: ScanTopic, value: string | null, evidence: string): ScanDecision {
  return { topic, value, evidence, source: 'detected' };
}

export function overridden(topic: ScanTopic, value: string | null, evidence: string): ScanDecision {
  return { topic, value, evidence, source: 'override' };
}

export function defaulted(topic: ScanTopic, value: string | null, evidence: string): ScanDecision {
  return { topic, value, evidence, source: 'default' };
}

/** Inline code in evidence text. */
export function code(text: string): string {
  return `\`${text}\``;
}
