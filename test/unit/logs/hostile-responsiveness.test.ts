// JSON bombs and the hostile corpus through the engine's real path (the line assembler's cap, the writer,
// SQLite, the search index), then read back by a page, full-history search and filter mode with field
// queries, while Node's event-loop delay histogram measures how long the engine's one thread was held.
// A bomb that was parsed whole, or a pattern that backtracked, would hold it for seconds.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { LineAssembler } from '../../../electron/engine/logs/line-assembler';
import { logFilterFor } from '../../../electron/engine/logs/log-filter';
import { searchLines } from '../../../electron/engine/logs/search';
import { logFixture } from './fixture';

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** What a container could write: bombs and hostile lines, as bytes. */
function hostileOutput(): string[] {
  return [
    `{"deep":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`,
    `{"blob":"${'b'.repeat(1_048_576)}"}`,
    `{${Array.from({ length: 1_000_000 }, (_, index) => `"k${index}":${index}`).join(',')}}`,
    `{"level":"error","msg":"${'\\"'.repeat(20_000)}"}`,
    `${'['.repeat(100_000)}`,
    `${'a'.repeat(50_000)}!`,
    'title \x1b]0;PWNED\x07 clipboard \x1b]52;c;ZXZpbA==\x07 end',
    '{"level":"error","status":503,"msg":"small one after the bombs"}',
  ];
}

describe('hostile log content and the engine’s event loop', () => {
  let fixture: ReturnType<typeof logFixture> | undefined;
  afterEach(() => fixture?.close());

  it('ingesting JSON bombs and reading them back never holds the engine’s thread for long', async () => {
    fixture = logFixture({ maxBatchLines: 1000, maxDelayMs: 5 });
    const { store, writer } = fixture;
    const deploymentId = 'dep_hostile';
    const assembler = new LineAssembler();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();

    // As a socket delivers them: 64 KB chunks, the event loop turning between them.
    const bytes = Buffer.from(hostileOutput().join('\n') + '\n', 'utf8');
    for (let offset = 0; offset < bytes.length; offset += 65_536) {
      for (const line of assembler.push(bytes.subarray(offset, offset + 65_536))) writer.append(deploymentId, { stream: 'stdout', source: 'runtime', text: line.text, cut: line.cut, raw: line.raw ?? null });
      await yieldToLoop();
    }
    writer.flush();
    await yieldToLoop();

    // Read back: a page, full-history search (literal and RE2), filter mode with field terms and with exclude.
    const page = store.logLines.since(deploymentId, 0, 500);
    await yieldToLoop();
    const literal = searchLines(store.db, deploymentId, { query: 'small one after', regex: false, caseSensitive: false, limit: 10 });
    await yieldToLoop();
    const pattern = searchLines(store.db, deploymentId, { query: '(a+)+!', regex: true, caseSensitive: false, limit: 10 });
    await yieldToLoop();
    const filter = logFilterFor(store.db);
    const fields = filter.page(deploymentId, { query: 'level:error', regex: false, caseSensitive: false, exclude: false, context: 1, since: 0, limit: 100 });
    await yieldToLoop();
    const excluded = filter.page(deploymentId, { query: 'deep', regex: false, caseSensitive: false, exclude: true, context: 0, since: 0, limit: 100 });
    await yieldToLoop();
    delay.disable();

    // Every line arrived, capped at the assembler's 64 KB and marked cut where it was longer.
    expect(page).toHaveLength(8);
    expect(page.filter((line) => line.cut).map((line) => line.lineNo)).toEqual([1, 2, 3, 5]);
    expect(page.every((line) => line.text.length <= 65_536)).toBe(true);
    expect(literal.hits.map((hit) => hit.lineNo)).toEqual([8]);
    expect(pattern.hits.map((hit) => hit.lineNo)).toEqual([6]);
    // Field terms match only whole JSON lines: the cut bombs are not JSON any more; the escaped one is.
    expect(fields.matches).toEqual([4, 8]);
    expect(excluded.matches).toEqual([2, 3, 4, 5, 6, 7, 8]);
    // The thread was never held for long (max of the histogram, ns → ms). A bomb parsed whole, a
    // million-key object walked, or a backtracking regex would be seconds; this is a shared 2-core machine.
    const maxMs = delay.max / 1e6;
    expect(maxMs, `the longest event-loop delay was ${maxMs.toFixed(0)} ms`).toBeLessThan(1000);
  });
});
