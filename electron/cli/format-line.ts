import type { LogLine } from '../../shared';
import { safeServiceName } from '../../shared/service-name';

const STREAM_PREFIX: Record<LogLine['stream'], string> = { stdout: '', stderr: '\u001b[31m', system: '\u001b[34m' };

/** One log line as the CLI prints it: stderr red and system blue on a terminal, plain otherwise. */
export function formatLine(line: LogLine, color: boolean): string {
  const prefix = color ? STREAM_PREFIX[line.stream] : '';
  const reset = color && prefix ? '\u001b[0m' : '';
  // A Compose stack's line says which service wrote it.
  const service = line.service !== undefined ? `[${safeServiceName(line.service)}] ` : '';
  return `${service}${prefix}${line.text}${reset}`;
}
