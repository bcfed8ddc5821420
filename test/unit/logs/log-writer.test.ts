import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pumpDockerLogs } from '../../../electron/engine/docker/log-demux';
import { LogWriter } from '../../../electron/engine/logs/log-writer';
import { SEARCH_BLOCK_LINES } from '../../../electron/engine/store/search-index';
import { logFixture } from './fixture';

describe('LogWriter', () => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => {
    vi.useRealTimers();
    fixture?.close();
  });

  it('numbers lines per deployment, gap-free, and resumes numbering from the store', () => {
    fixture = logFixture();
    const { writer, store } = fixture;
    expect(writer.append('a', { stream: 'stdout', source: 'runtime', text: 'a1' })).toBe(1);
    expect(writer.append('b', { stream: 'stdout', source: 'runtime', text: 'b1' })).toBe(1);
    expect(writer.append('a', { stream: 'stderr', source: 'deploy', text: 'a2', step: 'build', runId: 'r' })).toBe(2);
    writer.flush();
    expect(store.logLines.since('a', 0, 10).map((line) => [line.lineNo, line.text, line.stream, line.step])).toEqual([
      [1, 'a1', 'stdout', null],
      [2, 'a2', 'stderr', 'build'],
    ]);
    const second = new (writer.constructor as typeof import('../../../electron/engine/logs/log-writer').LogWriter)(store);
    expect(second.append('a', { stream: 'stdout', source: 'runtime', text: 'a3' })).toBe(3);
    second.flush();
  });

  it("stores each line's level and publishes it: runtime and build lines by their text, Berth's lines by their tag, stderr without a level as unknown", () => {
    fixture = logFixture();
    const { writer, store } = fixture;
    const published: string[] = [];
    writer.onCommit((_deploymentId, lines) => published.push(...lines.map((line) => line.level)));
    writer.append('d', { stream: 'stdout', source: 'runtime', text: '{"level":50,"msg":"boom"}' });
    writer.append('d', { stream: 'stderr', source: 'runtime', text: 'listening on :3000' });
    writer.append('d', { stream: 'stderr', source: 'deploy', runId: 'r', step: 'build', text: '#8 0.532 npm WARN deprecated inflight@1.0.6' });
    writer.sink('d', { source: 'runtime' })([{ stream: 'stdout', text: 'E1204 10:11:12.123456       1 main.go:42] lost leader', cut: false }]);
    writer.system('d', '[CRASH] exit=137 oom=true');
    writer.system('d', '[STOP] stopping the container', { runId: 'r', source: 'deploy' });
    const expected = ['error', 'unknown', 'warn', 'error', 'error', 'info'];
    expect(published).toEqual(expected);
    expect(store.logLines.since('d', 0, 10).map((line) => line.level)).toEqual(expected);
    expect(store.db.prepare("SELECT level FROM log_lines WHERE deployment_id = 'd' ORDER BY line_no").pluck().all()).toEqual([4, 6, 3, 4, 4, 2]);
    expect(store.logLines.levelCounts('d', 'runtime')).toEqual({ trace: 0, debug: 0, info: 0, warn: 0, error: 3, fatal: 0, unknown: 1 });
    expect(store.logLines.levelCounts('d', 'deploy', 'r')).toEqual({ trace: 0, debug: 0, info: 1, warn: 1, error: 0, fatal: 0, unknown: 0 });
  });

  it('commits at most maxBatchLines per transaction, and publishes each batch only after its commit', () => {
    fixture = logFixture({ maxBatchLines: 100, maxDelayMs: 10_000 });
    const { writer, store } = fixture;
    const seen: { count: number; storedAtPublish: number }[] = [];
    writer.onCommit((deploymentId, lines) => seen.push({ count: lines.length, storedAtPublish: store.logLines.lastLineNo(deploymentId) }));
    for (let index = 0; index < 250; index++) writer.append('d', { stream: 'stdout', source: 'runtime', text: `line ${index}` });
    expect(seen).toEqual([
      { count: 100, storedAtPublish: 100 },
      { count: 100, storedAtPublish: 200 },
    ]);
    writer.flush();
    expect(seen.at(-1)).toEqual({ count: 50, storedAtPublish: 250 });
  });

  it('commits a quiet trickle within maxDelayMs', () => {
    vi.useFakeTimers();
    fixture = logFixture({ maxDelayMs: 50 });
    const { writer, store } = fixture;
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'alone' });
    expect(store.logLines.lastLineNo('d')).toBe(0);
    vi.advanceTimersByTime(49);
    expect(store.logLines.lastLineNo('d')).toBe(0);
    vi.advanceTimersByTime(1);
    expect(store.logLines.lastLineNo('d')).toBe(1);
  });

  it('publishes nothing and reuses the numbers when a commit fails', () => {
    fixture = logFixture({ maxDelayMs: 10_000 });
    const { writer, store } = fixture;
    const published: number[] = [];
    writer.onCommit((_deploymentId, lines) => published.push(...lines.map((line) => line.lineNo)));
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'one' });
    writer.flush();
    store.db.exec("CREATE TRIGGER refuse BEFORE INSERT ON log_lines WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'two' });
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'poison' });
    expect(() => writer.flush()).toThrow(/refused/);
    expect(store.logLines.lastLineNo('d')).toBe(1);
    expect(writer.append('d', { stream: 'stdout', source: 'runtime', text: 'three' })).toBe(2);
    writer.flush();
    expect(published).toEqual([1, 2]);
  });

  it('holds lines while the disk is full (up to a cap, counting the rest), then commits them and says so', async () => {
    fixture = logFixture({ maxDelayMs: 1, maxHeldLines: 10, diskRetryMs: 20 });
    const { writer, store } = fixture;
    const insertMany = store.logLines.insertMany.bind(store.logLines);
    let full = true;
    // The real store, with SQLite's own error for a write that finds no space.
    store.logLines.insertMany = (lines, blocks) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      insertMany(lines, blocks);
    };
    const published: string[] = [];
    writer.onCommit((_deploymentId, lines) => published.push(...lines.map((line) => line.text)));
    writer.append('d', { stream: 'stdout', source: 'runtime', text: 'line 1' });
    writer.flush();
    expect(writer.diskFull).toMatchObject({ heldLines: 1, droppedLines: 0 });
    for (let n = 2; n <= 15; n++) writer.append('d', { stream: 'stdout', source: 'runtime', text: `line ${n}` });
    expect(writer.diskFull).toMatchObject({ heldLines: 10, droppedLines: 5 });
    expect(published).toEqual([]);

    full = false;
    for (let waited = 0; writer.diskFull !== null; waited += 10) {
      expect(waited).toBeLessThan(2000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stored = store.logLines.since('d', 0, 100);
    expect(stored.map((line) => line.text)).toEqual([...Array.from({ length: 10 }, (_, i) => `line ${i + 1}`), expect.stringMatching(/^\[DISK\] the disk was full from .*: 5 lines could not be kept/)]);
    expect(stored.map((line) => line.lineNo)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(published).toHaveLength(11);
  });

  it('keeps with each search block whether one of its lines holds a NUL; a block not known (before migration 013) stays unknown', () => {
    fixture = logFixture({ maxDelayMs: 60_000, maxBatchLines: 50_000 });
    const { writer, store } = fixture;
    const hasNul = () => store.db.prepare('SELECT deployment_id, block_no, has_nul FROM log_search_blocks ORDER BY deployment_id, block_no').raw().all();
    for (let lineNo = 1; lineNo <= SEARCH_BLOCK_LINES + 10; lineNo++) {
      writer.append('a', { stream: 'stdout', source: 'runtime', text: lineNo === SEARCH_BLOCK_LINES + 5 ? 'bin\u0000ary' : `line ${lineNo}` });
      if (lineNo % 100 === 0) writer.append('b', { stream: 'stdout', source: 'runtime', text: 'clean' });
    }
    writer.flush();
    expect(hasNul()).toEqual([
      ['a', 0, 0],
      ['a', 1, 1],
      ['b', 0, 0],
    ]);
    // A clean block stays clean across batches; a NUL in a later batch marks it.
    writer.append('b', { stream: 'stdout', source: 'runtime', text: 'still clean' });
    writer.flush();
    expect(hasNul()).toContainEqual(['b', 0, 0]);
    writer.append('b', { stream: 'stdout', source: 'runtime', text: '\u0000' });
    writer.flush();
    expect(hasNul()).toContainEqual(['b', 0, 1]);
    // A block written before the flag existed: a new writer continuing it cannot know its older lines.
    store.db.prepare("UPDATE log_search_blocks SET has_nul = NULL WHERE deployment_id = 'a' AND block_no = 1").run();
    const second = new LogWriter(store);
    second.append('a', { stream: 'stdout', source: 'runtime', text: 'after the upgrade' });
    second.flush();
    second.close();
    expect(hasNul()).toContainEqual(['a', 1, null]);
  });

  it('stores hostile content byte-faithfully: escapes, NUL, CR overwrites, invalid UTF-8, a 1 MB line (cut)', async () => {
    fixture = logFixture();
    const { writer, store } = fixture;
    const hostile = [
      Buffer.from('\u001b]0;pwned title\u0007\u001b]2;other\u001b\\ title changes'),
      Buffer.from('\u001b]52;c;ZWNobyBwd25lZA==\u0007 clipboard write'),
      Buffer.from('\u001b]8;;javascript:alert(1)\u001b\\link\u001b]8;;\u001b\\'),
      Buffer.from('\u001bP$qm\u001b\\ DECRQSS'),
      Buffer.from('progress 10%\rprogress 90%\rdone'),
      Buffer.from([0x6e, 0x75, 0x6c, 0x00, 0x6c, 0x00]),
      Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0x41]),
      Buffer.from('\u001b['.repeat(20_000)),
    ];
    const huge = Buffer.alloc(1_048_576, 0x7a);
    const input = Buffer.concat([...hostile.flatMap((bytes) => [bytes, Buffer.from('\n')]), huge, Buffer.from('\nafter\n')]);
    await pumpDockerLogs(Readable.from([input.subarray(0, 777), input.subarray(777)]), { tty: true, onLines: writer.sink('d', { source: 'runtime' }) });
    writer.flush();
    hostile.forEach((bytes, index) => expect(store.logLines.rawBytes('d', index + 1), `line ${index + 1}`).toEqual(bytes));
    const cut = store.logLines.since('d', hostile.length, 2);
    expect(cut[0]).toMatchObject({ cut: true, text: 'z'.repeat(65_536) });
    expect(cut[1]).toMatchObject({ cut: false, text: 'after' });
    expect(store.logLines.since('d', 5, 1)[0]!.text).toBe('nul\u0000l\u0000');
  });
});

describe('isoTime', () => {
  it('equals Date#toISOString for any millisecond, including second and year boundaries', async () => {
    const { isoTime } = await import('../../../electron/engine/logs/stored-line');
    const samples = [0, 1, 999, 1000, 1001, Date.UTC(2026, 0, 1) - 1, Date.UTC(2026, 0, 1), Date.UTC(2026, 5, 30, 23, 59, 59, 999), 1_764_000_000_123, 8.64e15, -1, -1001];
    for (let index = 0; index < 2000; index++) samples.push(Math.floor(Math.random() * 4e12));
    for (const ms of samples) expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
