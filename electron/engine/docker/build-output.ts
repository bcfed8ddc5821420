// The build's response body, bytes in, lines out with their stream (docs/architecture.md, "How data flows").
// Docker sends JSON messages, one a line, whose `stream` text holds partial lines. The classic builder
// has no separate stderr channel: it wraps what a RUN step writes to stderr in ESC[91m … ESC[0m inside
// that text, and a block may span several lines and several messages (the reset usually opens the next
// line). Lines inside a block are stderr; their bytes stay as sent (escapes included; views strip them).
import { LineAssembler, type AssembledLine } from '../logs/line-assembler';

export interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

export interface BuildOutputLine {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface BuildOutputHandlers {
  /** A non-blank output line. */
  line(line: BuildOutputLine): void;
  /** The `aux` message's image id. */
  imageId?(id: string): void;
  /** The engine's error message (the build failed); lines before it are flushed first. */
  error?(message: string): void;
}

const ESC = '\x1b';
// SGR sequences: ESC [ params m. 91 (bright red foreground) opens a block; 0, an empty reset or 39 ends it.
// eslint-disable-next-line no-control-regex -- the escape byte is what the pattern reads
const SGR = /\x1b\[([0-9;]*)m/g;
// eslint-disable-next-line no-control-regex -- the escape byte is what the pattern reads
const LEADING_SGR = /^(?:\x1b\[[0-9;]*m)+/;

/** The red state after applying the SGR sequences in `text` to `red`. */
function redAfter(text: string, red: boolean): boolean {
  if (!text.includes(ESC)) return red;
  for (const match of text.matchAll(SGR)) {
    for (const param of (match[1] ?? '').split(';')) {
      if (param === '91') red = true;
      else if (param === '' || param === '0' || param === '39') red = false;
    }
  }
  return red;
}

/**
 * Parses a build's response body. Keeps the red state across lines and messages: a line is stderr when
 * its first visible character is inside a red block (so `ESC[0mRemoving intermediate container …`,
 * the line after a block, is stdout again).
 */
export class BuildOutputParser {
  // Two assemblers: the message lines (generous cap), and the text they carry (the usual line cap).
  private readonly messages = new LineAssembler({ maxLineBytes: 16 * 1024 * 1024 });
  private readonly output = new LineAssembler();
  private red = false;

  constructor(private readonly handlers: BuildOutputHandlers) {}

  /** A chunk of the response body. */
  push(chunk: Uint8Array | string): void {
    for (const line of this.messages.push(chunk)) this.onMessage(line.text);
  }

  /** The body ended: the partial last message and line are flushed. */
  end(): void {
    for (const line of this.messages.end()) this.onMessage(line.text);
    this.write(this.output.end());
  }

  private onMessage(raw: string): void {
    if (raw.trim() === '') return;
    let message: BuildMessage;
    try {
      message = JSON.parse(raw) as BuildMessage;
    } catch {
      this.write(this.output.push(`${raw}\n`));
      return;
    }
    if (message.stream) this.write(this.output.push(message.stream));
    else if (message.status) this.write(this.output.push(`${message.status}\n`));
    if (message.aux?.ID) this.handlers.imageId?.(message.aux.ID);
    if (message.error) {
      this.write(this.output.end());
      this.handlers.error?.(message.error.trim());
    }
  }

  private write(lines: readonly AssembledLine[]): void {
    for (const { text } of lines) {
      const leading = LEADING_SGR.exec(text)?.[0] ?? '';
      const stream = redAfter(leading, this.red) ? 'stderr' : 'stdout';
      this.red = redAfter(text, this.red);
      if (text.trim() !== '') this.handlers.line({ stream, text });
    }
  }
}
