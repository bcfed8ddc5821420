import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../shared';
import type { LogSink } from '../../../electron/engine/logs/log-hub';
import { IpcLogBatcher, type IpcLogMessage } from '../../../electron/engine/logs/ipc-batcher';
import { fakeDeployment, logFixture } from './fixture';

/** A sink whose consumer is as slow as the test wants: it holds at most `capacity` lines until drained. */
function slowSink(capacity: number) {
  const received: LogLine[] = [];
  let buffered = 0;
  let maxBuffered = 0;
  const behind: boolean[] = [];
  const callbacks: (() => void)[] = [];
  const sink: LogSink = {
    send: (lines) => {
      received.push(...lines);
      buffered += lines.length;
      maxBuffered = Math.max(maxBuffered, buffered);
    },
    ready: () => buffered < capacity,
    onReady: (callback) => callbacks.push(callback),
    behind: (isBehind) => behind.push(isBehind),
  };
  return {
    sink,
    received,
    behind,
    get maxBuffered() {
      return maxBuffered;
    },
    drain() {
      buffered = 0;
      callbacks.forEach((callback) => callback());
    },
  };
}

const append = (writer: ReturnType<typeof logFixture>['writer'], count: number, prefix = 'line') => {
  for (let index = 0; index < count; index++) writer.append('d', { stream: 'stdout', source: 'runtime', text: `${prefix} ${index}` });
};

const expectGapFree = (lines: readonly LogLine[], from: number, to: number) =>
  expect(lines.map((line) => line.lineNo)).toEqual(Array.from({ length: to - from + 1 }, (_, index) => from + index));

describe('LogHub', () => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => fixture?.close());

  it('returns the last N lines as the snapshot, then live batches that continue it', () => {
    fixture = logFixture({ maxDelayMs: 10_000 });
    const { writer, hub } = fixture;
    append(writer, 30);
    writer.flush();
    const consumer = slowSink(Number.POSITIVE_INFINITY);
    const { snapshot, unsubscribe } = hub.subscribe(fakeDeployment('d'), { tail: 10 }, consumer.sink);
    expectGapFree(snapshot.lines, 21, 30);
    expect(snapshot.lastLineNo).toBe(30);
    append(writer, 5);
    expect(consumer.received).toEqual([]);
    writer.flush();
    expectGapFree(consumer.received, 31, 35);
    unsubscribe();
    append(writer, 1);
    writer.flush();
    expect(consumer.received).toHaveLength(5);
  });

  it('resumes exactly after `since`, paging the rest when it is more than one page behind', async () => {
    fixture = logFixture({ maxDelayMs: 10_000 });
    const { writer, hub } = fixture;
    append(writer, 2500);
    writer.flush();
    const consumer = slowSink(Number.POSITIVE_INFINITY);
    const { snapshot } = hub.subscribe(fakeDeployment('d'), { since: 700 }, consumer.sink);
    expectGapFree(snapshot.lines, 701, 1700);
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    append(writer, 10);
    writer.flush();
    expectGapFree([...snapshot.lines, ...consumer.received], 701, 2510);
  });

  it('stops pushing to a slow consumer past its watermark and catches it up from SQLite, in order, gap-free, bounded', () => {
    fixture = logFixture({ maxDelayMs: 10_000, maxBatchLines: 500 });
    const { writer, hub } = fixture;
    const consumer = slowSink(1500);
    hub.subscribe(fakeDeployment('d'), { since: 0 }, consumer.sink);
    for (let round = 0; round < 40; round++) {
      append(writer, 1000);
      if (round % 7 === 0) consumer.drain();
    }
    writer.flush();
    // Pushes stopped at the watermark: what the consumer holds is bounded by it plus one page.
    expect(consumer.maxBuffered).toBeLessThanOrEqual(1500 + 1000);
    expect(consumer.behind[0]).toBe(true);
    for (let guard = 0; guard < 100 && consumer.received.length < 40_000; guard++) consumer.drain();
    expectGapFree(consumer.received, 1, 40_000);
    expect(consumer.behind.at(-1)).toBe(false);
    append(writer, 3);
    writer.flush();
    consumer.drain();
    expectGapFree(consumer.received, 1, 40_003);
  });
});

describe('IpcLogBatcher', () => {
  let fixture: ReturnType<typeof logFixture>;
  afterEach(() => fixture?.close());

  it('sends ~16 ms batches, never holds more than its cap, reports the gap, and is caught up from SQLite', async () => {
    fixture = logFixture({ maxDelayMs: 10_000, maxBatchLines: 1000 });
    const { writer, hub, store } = fixture;
    const messages: IpcLogMessage[] = [];
    const batcher = new IpcLogBatcher({ deploymentId: 'd', emit: (message) => messages.push(message), lastLineNo: () => store.logLines.lastLineNo('d'), maxLines: 2000, maxUnacknowledged: 2 });
    hub.subscribe(fakeDeployment('d'), { since: 0 }, batcher);
    let maxPending = 0;
    for (let round = 0; round < 10; round++) {
      append(writer, 1000);
      maxPending = Math.max(maxPending, batcher.pendingLines);
    }
    expect(maxPending).toBeLessThanOrEqual(2000 + 1000);
    await new Promise((resolve) => setTimeout(resolve, 40));
    // Two unacknowledged batches at most; then the window hears of a gap instead of more lines.
    const batches = () => messages.flatMap((message) => (message.kind === 'batch' ? [message.batch] : []));
    expect(messages.some((message) => message.kind === 'gap')).toBe(true);
    expect(batches().length).toBeLessThanOrEqual(2);
    for (let guard = 0; guard < 50 && batches().flatMap((batch) => batch.lines).length < 10_000; guard++) {
      batcher.acknowledge();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expectGapFree(
      batches().flatMap((batch) => batch.lines),
      1,
      10_000,
    );
    batcher.close();
  });
});
