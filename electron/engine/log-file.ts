// Berth's own log on disk, because a desktop app's stderr goes nowhere: `<dataDir>/logs/berth.log`,
// capped in size and rotated (berth.log.1 … berth.log.<keep>), written asynchronously.
import { createWriteStream, mkdirSync, openSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogFileOptions {
  /** Largest size of one file before it is rotated. */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one. */
  readonly keep?: number;
}

/** How long a log file that could not be written is left alone before it is tried again. */
const REOPEN_AFTER_MS = 10_000;

export class RotatingLogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  /** Null when the file cannot be opened or written (a full disk): lines are dropped, and opening is retried now and then. */
  private stream: WriteStream | null;
  private size: number;
  private lastOpen = 0;
  private closed = false;

  constructor(dir: string, options: RotatingLogFileOptions = {}) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 3;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'berth.log');
    this.size = sizeOf(this.path);
    this.stream = this.open();
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.closed) return;
    if (!this.stream && Date.now() - this.lastOpen > REOPEN_AFTER_MS) this.stream = this.open();
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    if (!this.stream) return;
    this.size += bytes;
    this.stream.write(line);
  }

  close(): Promise<void> {
    this.closed = true;
    const stream = this.stream;
    this.stream = null;
    return new Promise((resolve) => (stream ? stream.end(resolve) : resolve()));
  }

  /** A log that cannot be written must never take the engine down with it. */
  private open(): WriteStream | null {
    this.lastOpen = Date.now();
    let fd: number;
    try {
      // Opened at once (not when the stream gets to it), so a rotation right after renames this very file.
      fd = openSync(this.path, 'a', 0o600);
    } catch {
      return null;
    }
    const stream = createWriteStream('', { fd });
    stream.on('error', () => {
      if (this.stream === stream) this.stream = null;
    });
    return stream;
  }

  private rotate(): void {
    this.stream?.end();
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let index = this.keep - 1; index >= 1; index--) renameSafely(`${this.path}.${index}`, `${this.path}.${index + 1}`);
    renameSafely(this.path, `${this.path}.1`);
    this.size = sizeOf(this.path);
    this.stream = this.open();
  }
}

/** The file's size, 0 when there is none yet. */
function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Rotation is best effort: a file that is not there (yet) is skipped. */
function renameSafely(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    // not there
  }
}
