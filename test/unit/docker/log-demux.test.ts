import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerLogDemuxer, parseStamp, pumpDockerLogs } from '../../../electron/engine/docker/log-demux';
import type { DemuxedLine } from '../../../electron/engine/logs/line-assembler';

function frame(type: number, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

async function demux(chunks: Buffer[], options: { tty: boolean; timestamps?: boolean; maxLineBytes?: number }): Promise<DemuxedLine[]> {
  const lines: DemuxedLine[] = [];
  await pumpDockerLogs(Readable.from(chunks, { objectMode: false }), { ...options, onLines: (batch) => void lines.push(...batch) });
  return lines;
}

const plain = (lines: DemuxedLine[]) => lines.map(({ stream, text, cut }) => ({ stream, text, cut }));

describe('DockerLogDemuxer', () => {
  const stream = Buffer.concat([
    frame(1, 'out one\nout tw'),
    frame(2, 'err ü'),
    frame(1, 'o\r\n'),
    frame(2, 'ber\n'),
    frame(1, ''),
    frame(2, 'tail without newline'),
  ]);
  const expected = [
    { stream: 'stdout', text: 'out one', cut: false },
    { stream: 'stdout', text: 'out two', cut: false },
    { stream: 'stderr', text: 'err über', cut: false },
    { stream: 'stderr', text: 'tail without newline', cut: false },
  ];

  it('parses 8-byte frames split at every byte position', async () => {
    for (let at = 0; at <= stream.length; at++) {
      expect(plain(await demux([stream.subarray(0, at), stream.subarray(at)], { tty: false })), `split at ${at}`).toEqual(expected);
    }
  });

  it('parses frames fed one byte at a time and split at every pair of positions', async () => {
    expect(plain(await demux([...stream].map((byte) => Buffer.from([byte])), { tty: false }))).toEqual(expected);
    for (let first = 1; first < stream.length; first += 3) {
      for (let second = first; second < stream.length; second += 5) {
        const chunks = [stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)];
        expect(plain(await demux(chunks, { tty: false }))).toEqual(expected);
      }
    }
  });

  it('treats TTY streams as raw stdout bytes', async () => {
    const raw = Buffer.from('\u0001\u0000\u0000\u0000 not a header\nsecond\r\n');
    expect(plain(await demux([raw.subarray(0, 5), raw.subarray(5)], { tty: true }))).toEqual([
      { stream: 'stdout', text: '\u0001\u0000\u0000\u0000 not a header', cut: false },
      { stream: 'stdout', text: 'second', cut: false },
    ]);
  });

  it('cuts oversized lines per stream', async () => {
    const lines = await demux([frame(1, `${'a'.repeat(40)}\nok\n`), frame(2, `${'b'.repeat(40)}\n`)], { tty: false, maxLineBytes: 8 });
    expect(plain(lines)).toEqual([
      { stream: 'stdout', text: 'aaaaaaaa', cut: true },
      { stream: 'stdout', text: 'ok', cut: false },
      { stream: 'stderr', text: 'bbbbbbbb', cut: true },
    ]);
  });

  it('rejects a stream that is not multiplexed instead of inventing lines', async () => {
    await expect(demux([Buffer.from('plain text that is no frame\n')], { tty: false })).rejects.toThrow(/Not a multiplexed Docker stream/);
  });

  it('strips and parses Docker timestamps, keeping a long line’s first stamp across its 16 KiB pieces', async () => {
    const first = '2026-01-02T03:04:05.123456789Z';
    const second = '2026-01-02T03:04:06.000000001Z';
    const chunks = Buffer.concat([frame(1, `${first} hello\n`), frame(1, `${first} part one `), frame(1, `${second} part two\n`)]);
    for (let at = 0; at <= chunks.length; at += 7) {
      const lines = await demux([chunks.subarray(0, at), chunks.subarray(at)], { tty: false, timestamps: true });
      expect(lines.map(({ text, timestamp, ts }) => ({ text, timestamp, ts }))).toEqual([
        { text: 'hello', timestamp: first, ts: Date.parse('2026-01-02T03:04:05.123Z') },
        { text: 'part one part two', timestamp: first, ts: Date.parse('2026-01-02T03:04:05.123Z') },
      ]);
    }
  });

  it('keeps the exact bytes of a stamped line that is not valid UTF-8 (the stamp stripped), and none for a valid one', async () => {
    const stamp = '2026-01-02T03:04:05.123456789Z';
    const chunks = Buffer.concat([frame(2, Buffer.concat([Buffer.from(`${stamp} a`), Buffer.from([0xff, 0xfe]), Buffer.from('b\n')])), frame(1, `${stamp} fine\n`)]);
    const lines = await demux([chunks], { tty: false, timestamps: true });
    expect(lines.map(({ stream, text, raw, ts }) => ({ stream, text, raw, ts }))).toEqual([
      { stream: 'stderr', text: 'a\ufffd\ufffdb', raw: Buffer.from([0x61, 0xff, 0xfe, 0x62]), ts: Date.parse('2026-01-02T03:04:05.123Z') },
      { stream: 'stdout', text: 'fine', raw: undefined, ts: Date.parse('2026-01-02T03:04:05.123Z') },
    ]);
  });

  it('holds the source while an async handler works (backpressure)', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const frames = Array.from({ length: 50 }, (_, index) => frame(1, `line ${index}\n`));
    const seen: string[] = [];
    const demuxer = new DockerLogDemuxer({
      tty: false,
      onLines: async (lines) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(...lines.map((line) => line.text));
        inFlight--;
      },
    });
    const { pipeline } = await import('node:stream/promises');
    await pipeline(Readable.from(frames), demuxer);
    expect(maxInFlight).toBe(1);
    expect(seen).toEqual(frames.map((_, index) => `line ${index}`));
  });
});

describe('parseStamp', () => {
  it('reads Docker stamps to the millisecond, cutting extra digits, with or without a fraction, across seconds', () => {
    expect(parseStamp('2026-11-22T05:04:13.212345678Z')).toBe(Date.parse('2026-11-22T05:04:13.212Z'));
    expect(parseStamp('2026-11-22T05:04:13.999999999Z')).toBe(Date.parse('2026-11-22T05:04:13.999Z'));
    expect(parseStamp('2026-11-22T05:04:14Z')).toBe(Date.parse('2026-11-22T05:04:14Z'));
    expect(parseStamp('2026-11-22T05:04:14.5Z')).toBe(Date.parse('2026-11-22T05:04:14.500Z'));
    expect(parseStamp('2026-11-22T05:04:14.05Z')).toBe(Date.parse('2026-11-22T05:04:14.050Z'));
    expect(parseStamp('2026-11-22T05:04:13.001Z')).toBe(Date.parse('2026-11-22T05:04:13.001Z'));
    // Offsets other than Z take the general path.
    expect(parseStamp('2026-11-22T07:04:13.212345+02:00')).toBe(Date.parse('2026-11-22T05:04:13.212Z'));
  });
});
