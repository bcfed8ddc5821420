import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogLine } from '../../../shared';
import { LogBatcher } from '../../../electron/main/log-batcher';

function lines(from: number, count: number): LogLine[] {
  return Array.from({ length: count }, (_, index) => ({
    deploymentId: 'dep_1',
    lineNo: from + index,
    ts: '2026-11-21T00:00:00.000Z',
    stream: 'stdout',
    source: 'runtime',
    runId: null,
    step: null,
    text: `line ${from + index}`,
  })) as unknown as LogLine[];
}

describe('LogBatcher (IPC batches for log subscriptions)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('coalesces lines sent within ~16 ms into one message', () => {
    const deliver = vi.fn();
    const batcher = new LogBatcher({ deliver });
    batcher.send(lines(1, 2));
    batcher.send(lines(3, 3));
    expect(deliver).not.toHaveBeenCalled();
    vi.advanceTimersByTime(16);
    expect(deliver).toHaveBeenCalledOnce();
    expect(deliver.mock.calls[0]![0].map((line: LogLine) => line.lineNo)).toEqual([1, 2, 3, 4, 5]);
  });

  it('caps a message, and holds further batches until the renderer acknowledges', async () => {
    const deliver = vi.fn();
    const batcher = new LogBatcher({ deliver, maxBatchLines: 10, maxUnacknowledged: 2, highWatermarkLines: 25 });
    batcher.send(lines(1, 45));
    expect(deliver.mock.calls.map((call) => call[0].length)).toEqual([10, 10]);
    expect(batcher.bufferedLines()).toBe(25);
    expect(batcher.ready()).toBe(false);

    const onReady = vi.fn();
    batcher.onReady(onReady);
    batcher.acknowledge();
    expect(deliver.mock.calls.map((call) => call[0].length)).toEqual([10, 10, 10]);
    await Promise.resolve();
    expect(onReady).toHaveBeenCalled();
    batcher.acknowledge();
    batcher.acknowledge();
    batcher.acknowledge();
    const delivered = deliver.mock.calls.flatMap((call) => call[0].map((line: LogLine) => line.lineNo));
    expect(delivered).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
  });

  it('drops nothing but sends nothing after close', () => {
    const deliver = vi.fn();
    const batcher = new LogBatcher({ deliver });
    batcher.send(lines(1, 3));
    batcher.close();
    vi.advanceTimersByTime(100);
    expect(deliver).not.toHaveBeenCalled();
    expect(batcher.ready()).toBe(false);
  });
});
