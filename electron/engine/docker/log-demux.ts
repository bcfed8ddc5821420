import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LineAssembler, type AssembledLine, type DemuxedLine, type DemuxedLinesHandler } from '../logs/line-assembler';

type DemuxedStream = DemuxedLine['stream'];

export interface DockerLogDemuxerOptions {
  /** The container runs with a TTY: the stream is raw bytes (all stdout), not 8-byte-framed. */
  readonly tty: boolean;
  /** The stream was requested with `timestamps: true`: strip and parse Docker's per-message prefix. */
  readonly timestamps?: boolean;
  readonly maxLineBytes?: number;
  readonly onLines: DemuxedLinesHandler;
}

const HEADER_BYTES = 8;
/** Frames longer than this are not held whole to find a timestamp prefix (Docker's are ≤ 16 KiB + stamp). */
const MAX_HELD_FRAME_BYTES = 1_048_576;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

interface StreamState {
  readonly assembler: LineAssembler;
  /** The stamp of the message that began the line the assembler is holding. */
  lineStamp: string | undefined;
}

/** The last whole second parsed, so a flood (thousands of lines a second) parses each second once. */
let cachedSecond = '';
let cachedSecondMs = Number.NaN;

/** Docker's RFC 3339 stamp in ms, the fraction cut (not rounded) to milliseconds. */
export function parseStamp(stamp: string): number {
  // Docker sends UTC with up to 9 fraction digits: `2026-11-22T05:04:13.212345678Z`.
  const fraction = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d+))?Z$/.exec(stamp);
  if (!fraction) return Date.parse(stamp.replace(/(\.\d{3})\d+/, '$1'));
  const second = stamp.slice(0, 19);
  if (second !== cachedSecond) {
    cachedSecondMs = Date.parse(`${second}Z`);
    cachedSecond = second;
  }
  const digits = fraction[1];
  return digits ? cachedSecondMs + Number(`${digits}00`.slice(0, 3)) : cachedSecondMs;
}

/**
 * Our Docker log/attach stream demultiplexer (a Writable, so `pipe`/`pipeline` give backpressure:
 * the next chunk is read only after `onLines` settled). In multiplexed mode each frame has an
 * 8-byte header — stream type (1 stdout, 2 stderr), three zero bytes, a big-endian uint32 payload
 * length — and frames may be split at any byte. In TTY mode the bytes are raw stdout. Lines come
 * from one LineAssembler per stream, so stdout and stderr never mix mid-line.
 */
export class DockerLogDemuxer extends Writable {
  private readonly tty: boolean;
  private readonly timestamps: boolean;
  private readonly onLines: DemuxedLinesHandler;
  private readonly states: Record<DemuxedStream, StreamState>;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private frameStream: DemuxedStream = 'stdout';
  private frameRemaining = 0;
  /** Timestamps mode: the current frame's payload, held until whole so its prefix can be read. */
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private frameAtStart = true;

  constructor(options: DockerLogDemuxerOptions) {
    super({ decodeStrings: true });
    this.tty = options.tty;
    this.timestamps = options.timestamps ?? false;
    this.onLines = options.onLines;
    const state = (): StreamState => ({ assembler: new LineAssembler({ maxLineBytes: options.maxLineBytes }), lineStamp: undefined });
    this.states = { stdout: state(), stderr: state() };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let lines: DemuxedLine[];
    try {
      lines = this.tty ? this.fromTty(chunk) : this.fromFrames(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.hand(lines, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const lines: DemuxedLine[] = [];
    if (this.held && this.heldBytes > 0) this.payload(this.frameStream, Buffer.concat(this.held), true, lines);
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.states[stream];
      this.collect(stream, state, state.assembler.end(), lines);
    }
    this.hand(lines, callback);
  }

  private hand(lines: DemuxedLine[], callback: (error?: Error | null) => void): void {
    if (lines.length === 0) {
      callback();
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.onLines(lines);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (result && typeof result.then === 'function') result.then(() => callback(), (error: unknown) => callback(error as Error));
    else callback();
  }

  private fromTty(chunk: Buffer): DemuxedLine[] {
    const lines: DemuxedLine[] = [];
    if (!this.timestamps) {
      for (const line of this.states.stdout.assembler.push(chunk)) lines.push(demuxed(line, 'stdout', undefined));
      return lines;
    }
    // Raw TTY bytes carry no frames: the best we can do is a stamp at the start of each line.
    const state = this.states.stdout;
    for (const line of state.assembler.push(chunk)) {
      const match = TIMESTAMP.exec(line.text);
      lines.push(match ? { ...stripStamp(line, match[0].length), stream: 'stdout', timestamp: match[1]!, ts: parseStamp(match[1]!) } : { ...line, stream: 'stdout' });
    }
    return lines;
  }

  private fromFrames(chunk: Buffer): DemuxedLine[] {
    const lines: DemuxedLine[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.frameRemaining === 0) {
        const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < HEADER_BYTES) break;
        this.headerFill = 0;
        const type = this.header[0]!;
        if (type > 3 || this.header[1] !== 0 || this.header[2] !== 0 || this.header[3] !== 0) {
          throw new Error(`Not a multiplexed Docker stream (frame header ${this.header.toString('hex')}); was the container started with a TTY?`);
        }
        // 0 is stdin (echoed in attach), 3 is Docker's own error text: show them with their nearest kin.
        this.frameStream = type === 2 || type === 3 ? 'stderr' : 'stdout';
        this.frameRemaining = this.header.readUInt32BE(4);
        this.frameAtStart = true;
        this.held = this.timestamps && this.frameRemaining <= MAX_HELD_FRAME_BYTES ? [] : undefined;
        this.heldBytes = 0;
        continue;
      }
      const take = Math.min(this.frameRemaining, chunk.length - offset);
      const piece = chunk.subarray(offset, offset + take);
      offset += take;
      this.frameRemaining -= take;
      if (this.held) {
        this.held.push(Buffer.from(piece));
        this.heldBytes += take;
        if (this.frameRemaining === 0) {
          this.payload(this.frameStream, this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes), true, lines);
          this.held = undefined;
          this.heldBytes = 0;
        }
      } else {
        this.payload(this.frameStream, piece, this.frameAtStart, lines);
        this.frameAtStart = false;
      }
    }
    return lines;
  }

  /** Feeds (part of) one frame's payload; with timestamps, a frame begins with Docker's stamp. */
  private payload(stream: DemuxedStream, bytes: Buffer, atFrameStart: boolean, lines: DemuxedLine[]): void {
    const state = this.states[stream];
    let body = bytes;
    let frameStamp: string | undefined;
    if (this.timestamps && atFrameStart) {
      const match = TIMESTAMP.exec(bytes.toString('latin1', 0, Math.min(bytes.length, 48)));
      if (match) {
        body = bytes.subarray(match[0].length);
        frameStamp = match[1]!;
        // A message that continues a long line (Docker splits at 16 KiB) keeps the line's first stamp.
        if (state.assembler.pendingBytes === 0) state.lineStamp = frameStamp;
      }
    }
    const assembled = state.assembler.push(body);
    for (let index = 0; index < assembled.length; index++) {
      const stamp = index === 0 ? state.lineStamp : (frameStamp ?? state.lineStamp);
      lines.push(demuxed(assembled[index]!, stream, stamp));
    }
    // Whatever the assembler still holds began in this frame.
    if (assembled.length > 0 && frameStamp !== undefined) state.lineStamp = frameStamp;
  }

  private collect(stream: DemuxedStream, state: StreamState, assembled: AssembledLine[], lines: DemuxedLine[]): void {
    for (const line of assembled) lines.push(demuxed(line, stream, state.lineStamp));
  }
}

/** A line with its stream (and stamp): built field by field, since an object spread per line costs on a flood. */
function demuxed(line: AssembledLine, stream: DemuxedStream, stamp: string | undefined): DemuxedLine {
  if (stamp === undefined) return line.raw ? { text: line.text, cut: line.cut, raw: line.raw, stream } : { text: line.text, cut: line.cut, stream };
  const ts = parseStamp(stamp);
  return line.raw ? { text: line.text, cut: line.cut, raw: line.raw, stream, timestamp: stamp, ts } : { text: line.text, cut: line.cut, stream, timestamp: stamp, ts };
}

function stripStamp(line: AssembledLine, length: number): AssembledLine {
  const text = line.text.slice(length);
  return line.raw ? { text, cut: line.cut, raw: line.raw.subarray(Buffer.byteLength(line.text.slice(0, length))) } : { text, cut: line.cut };
}

/**
 * Reads a Docker log/attach stream to its end, handing lines over as they complete. Resolves when
 * the source ends (partial last lines flushed), rejects on a stream error.
 */
export async function pumpDockerLogs(source: NodeJS.ReadableStream, options: DockerLogDemuxerOptions): Promise<void> {
  await pipeline(source, new DockerLogDemuxer(options));
}
