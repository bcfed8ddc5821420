// What the app's own source says about its port and its health route. Pure: fed the texts the scan read.
import type { ScanRuntimeName } from '../../../shared/scan';

/** Berth passes this as PORT when the app reads it, and when nothing says otherwise. */
export const DEFAULT_PORT = 8080;

/** Health routes Berth recognises, in the order it prefers them. */
export const HEALTH_ROUTES = ['/health', '/healthz', '/up', '/ping'] as const;

export interface SourceMatch {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export type PortHint =
  | { readonly kind: 'reads_env'; readonly at: SourceMatch }
  | { readonly kind: 'fixed'; readonly port: number; readonly at: SourceMatch }
  | { readonly kind: 'none' };

const READS_PORT: Readonly<Record<ScanRuntimeName, RegExp>> = {
  node: /process\.env(?:\.PORT\b|\[\s*['"`]PORT['"`]\s*\])|\{[^}]*\bPORT\b[^}]*\}\s*=\s*process\.env|Deno\.env\.get\(\s*['"]PORT['"]\s*\)|Bun\.env\.PORT\b/,
  python: /os\.(?:environ\.get|getenv)\(\s*['"]PORT['"]|os\.environ\[\s*['"]PORT['"]\s*\]/,
  go: /os\.(?:Getenv|LookupEnv)\(\s*"PORT"\s*\)/,
};

// A literal port where the app starts listening. Each pattern's first group is the port.
const FIXED_PORT: Readonly<Record<ScanRuntimeName, readonly RegExp[]>> = {
  node: [/\.listen\(\s*(\d{2,5})\s*[,)]/, /\bport\s*[:=]\s*(\d{2,5})\b/i],
  python: [/\.run\([^)]*\bport\s*=\s*(\d{2,5})/, /\bPORT\s*=\s*(\d{2,5})\b/],
  go: [/ListenAndServe(?:TLS)?\(\s*"[\w.-]*:(\d{2,5})"/, /\bAddr\s*:\s*"[\w.-]*:(\d{2,5})"/, /net\.Listen\(\s*"tcp\d?"\s*,\s*"[\w.-]*:(\d{2,5})"/],
};

// Where a Node file listens at all; a `port = 3000` in a file that never listens says nothing.
const NODE_LISTENS = /\.listen\(/;

function firstMatch(file: string, text: string, pattern: RegExp): (SourceMatch & { groups: RegExpExecArray }) | null {
  const found = pattern.exec(text);
  if (!found) return null;
  const line = text.slice(0, found.index).split('\n').length;
  const lineText = text.split('\n')[line - 1]!.trim();
  return { file, line, text: lineText.length > 160 ? `${lineText.slice(0, 160)}…` : lineText, groups: found };
}

function withoutGroups(match: SourceMatch & { groups: RegExpExecArray }): SourceMatch {
  return { file: match.file, line: match.line, text: match.text };
}

/**
 * Reading PORT anywhere wins (Berth sets it); otherwise the first literal port where the app listens.
 * `sources` is in the scan's reading order, most likely entry files first.
 */
export function findPortHint(runtime: ScanRuntimeName, sources: ReadonlyMap<string, string>): PortHint {
  for (const [file, text] of sources) {
    if (!isSourceOf(runtime, file)) continue;
    const reads = firstMatch(file, text, READS_PORT[runtime]);
    if (reads) return { kind: 'reads_env', at: withoutGroups(reads) };
  }
  for (const [file, text] of sources) {
    if (!isSourceOf(runtime, file)) continue;
    if (runtime === 'node' && !NODE_LISTENS.test(text)) continue;
    for (const pattern of FIXED_PORT[runtime]) {
      const fixed = firstMatch(file, text, pattern);
      if (fixed) {
        const port = Number(fixed.groups[1]);
        if (port >= 1 && port <= 65_535) return { kind: 'fixed', port, at: withoutGroups(fixed) };
      }
    }
  }
  return { kind: 'none' };
}

const HEALTH_PATTERN = new RegExp(
  String.raw`['"\x60](?:(?:GET|HEAD)\s+)?(/(?:healthz|health|up|ping))/?['"\x60]` +
    // Django's urls.py writes routes without the leading slash: path("health/", …).
    String.raw`|\b(?:re_)?path\(\s*r?['"]\^?((?:healthz|health|up|ping)/?)\$?['"]`,
  'g',
);

/** The first recognised health route defined in the source, preferring HEALTH_ROUTES' order; null when none. */
export function findHealthRoute(sources: ReadonlyMap<string, string>): (SourceMatch & { route: string }) | null {
  let best: (SourceMatch & { route: string; rank: number }) | null = null;
  for (const [file, text] of sources) {
    if (!/\.(?:[cm]?[jt]sx?|py|go)$/.test(file)) continue;
    for (const found of text.matchAll(HEALTH_PATTERN)) {
      const route = found[1] ?? `/${found[2]!}`;
      const rank = HEALTH_ROUTES.indexOf(route.replace(/\/$/, '') as (typeof HEALTH_ROUTES)[number]);
      if (rank < 0 || (best !== null && rank >= best.rank)) continue;
      const line = text.slice(0, found.index).split('\n').length;
      best = { file, line, text: text.split('\n')[line - 1]!.trim().slice(0, 160), route, rank };
      if (rank === 0) break;
    }
    if (best?.rank === 0) break;
  }
  if (best === null) return null;
  return { file: best.file, line: best.line, text: best.text, route: best.route };
}

export function isSourceOf(runtime: ScanRuntimeName, file: string): boolean {
  switch (runtime) {
    case 'node':
      return /\.(?:[cm]?[jt]sx?)$/.test(file);
    case 'python':
      return file.endsWith('.py');
    case 'go':
      return file.endsWith('.go') && !file.endsWith('_test.go');
  }
}
