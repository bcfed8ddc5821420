// The port an app says it listens on, read from its own log lines ("listening on 3001", Flask's "Running on
// http://0.0.0.0:5000", gunicorn's "Listening at: http://0.0.0.0:8000", uvicorn's "Uvicorn running on …").
// Verify uses it to say why nothing answered: the app listens somewhere else than Berth sends traffic. Pure.
import { stripAnsi } from '../../../shared/error-lines';

// A word saying the app serves, then a port: after "port", after a host and colon, or alone after "on"/"at".
const PORT_PATTERNS: readonly RegExp[] = [
  /\b(?:listen(?:ing|s)?|running|started|serving|bound|available)\b[^\n]*?(?:\bport\s*[=:]?\s*|https?:\/\/[^\s/]*?:|(?:0\.0\.0\.0|localhost|127\.0\.0\.1|\[::\]|::|\*):|\s:)(\d{2,5})\b/i,
  /\b(?:listen(?:ing|s)?|running|serving)\s+(?:on|at)\s+(\d{2,5})\b/i,
];

export interface ListeningPort {
  /** Index of the line in the lines given. */
  readonly index: number;
  readonly port: number;
  readonly line: string;
}

/** The last line that names the port the app listens on (an app may say it more than once), or null. */
export function listeningPortIn(lines: readonly string[]): ListeningPort | null {
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = stripAnsi(lines[index]!);
    for (const pattern of PORT_PATTERNS) {
      const port = Number(pattern.exec(line)?.[1]);
      if (port >= 1 && port <= 65_535) return { index, port, line };
    }
  }
  return null;
}
