import type { Database } from 'better-sqlite3';
import type { SearchHit } from '../../../shared';
import { EngineError } from '../host/engine-error';
import { fromRow } from '../store/log-lines';

export interface SearchOptions {
  readonly query: string;
  readonly regex: boolean;
  readonly caseSensitive: boolean;
  readonly limit: number;
}

function compile(options: SearchOptions): RegExp {
  try {
    const source = options.regex ? options.query : options.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(source, options.caseSensitive ? '' : 'i');
  } catch (error) {
    throw new EngineError('VALIDATION_FAILED', `q: not a valid regular expression (${(error as Error).message}).`, 'q');
  }
}

/** Full-history search over every stored line of a deployment, oldest first. */
export function searchLines(db: Database, deploymentId: string, options: SearchOptions): { hits: SearchHit[]; truncated: boolean } {
  const pattern = compile(options);
  const hits: SearchHit[] = [];
  const statement = db.prepare('SELECT * FROM log_lines WHERE deployment_id = ? ORDER BY line_no');
  for (const row of statement.iterate(deploymentId) as Iterable<Parameters<typeof fromRow>[0]>) {
    if (!pattern.test(row.text)) continue;
    if (hits.length === options.limit) return { hits, truncated: true };
    const line = fromRow(row);
    hits.push({ lineNo: line.lineNo, ts: line.ts, stream: line.stream, step: line.step, runId: line.runId, text: line.text });
  }
  return { hits, truncated: false };
}
