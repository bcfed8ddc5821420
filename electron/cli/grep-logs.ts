// `berth logs <deployment> --grep …`: filter mode from the terminal (docs/how-to.md, "Filter logs"). The
// stored history is paged through the engine (GET /api/deployments/:id/logs?filter=…); with --follow,
// live lines are then filtered here, by the engine's own matcher, so both halves keep the same lines.
import type { LogLevel, LogLine, LogStream } from '../../shared';
import type { ApiClient } from './client';
import { followLogs } from './follow-logs';
import { formatLine } from './format-line';
import { CliError, printJson } from './output';

export interface GrepOptions {
  readonly grep: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly exclude: boolean;
  readonly context: number;
  readonly streams?: readonly LogStream[] | undefined;
  readonly levels?: readonly LogLevel[] | undefined;
  /** A Compose stack: only these services' lines. */
  readonly services?: readonly string[] | undefined;
  readonly since: number;
  /** At most this many kept lines from the history (all of them with --follow). */
  readonly limit: number;
  readonly follow: boolean;
}

const flag = (value: boolean): 'true' | 'false' => (value ? 'true' : 'false');

export async function grepLogs(client: ApiClient, deploymentId: string, options: GrepOptions, json: boolean): Promise<void> {
  // Checked here first, so a bad filter is named as the flag the user typed, and --follow can reuse it.
  // Loaded only for --grep: plain `berth logs` stays a thin HTTP client.
  const { compileLineFilter } = await import('../engine/logs/log-filter');
  const { LiveLineFilter } = await import('../engine/logs/live-filter');
  let filter;
  try {
    filter = compileLineFilter({ query: options.grep, regex: options.regex, caseSensitive: options.caseSensitive, exclude: options.exclude }, '--grep');
  } catch (error) {
    throw new CliError((error as Error).message, 2, 'VALIDATION_FAILED');
  }
  const color = Boolean(process.stdout.isTTY);
  let shownUpTo = options.since;
  const print = (line: LogLine, match: boolean): void => {
    // Between groups that are not next to each other, grep's own separator.
    if (!json && options.context > 0 && shownUpTo > options.since && line.lineNo > shownUpTo + 1) process.stdout.write('--\n');
    shownUpTo = line.lineNo;
    process.stdout.write(json ? `${JSON.stringify({ ...line, match })}\n` : `${formatLine(line, color)}\n`);
  };

  // --json without --follow prints one object, as `berth logs --json` prints its page.
  const collected = json && !options.follow ? { lines: [] as LogLine[], matches: [] as number[] } : undefined;
  let since = options.since;
  let kept = 0;
  for (;;) {
    const page = await client.call('getLogs', {
      id: deploymentId,
      since,
      limit: Math.min(5000, options.follow ? 5000 : options.limit - kept),
      filter: options.grep,
      regex: flag(options.regex),
      caseSensitive: flag(options.caseSensitive),
      exclude: flag(options.exclude),
      context: options.context,
      ...(options.streams ? { stream: options.streams.join(',') } : {}),
      ...(options.levels ? { level: options.levels.join(',') } : {}),
      ...(options.services ? { service: options.services.join(',') } : {}),
    });
    const matches = new Set(page.matches ?? []);
    // A page's after-context can reach lines the next page shows again as before-context.
    for (const line of page.lines) {
      if (line.lineNo <= shownUpTo) continue;
      if (collected) {
        collected.lines.push(line);
        shownUpTo = line.lineNo;
      } else print(line, matches.has(line.lineNo));
    }
    collected?.matches.push(...matches);
    kept += matches.size;
    since = page.scannedTo ?? page.lastLineNo;
    if (!page.truncated || (!options.follow && kept >= options.limit)) {
      if (collected) printJson({ ...collected, scannedTo: since, lastLineNo: page.lastLineNo, truncated: page.truncated ?? false });
      break;
    }
  }
  if (!options.follow) return;
  const live = new LiveLineFilter(filter, options.context, options.streams, options.levels, options.services);
  await followLogs(client, deploymentId, since, json, (line) => {
    for (const shown of live.push(line)) if (shown.line.lineNo > shownUpTo) print(shown.line, shown.match);
  });
}

