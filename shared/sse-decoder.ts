// The one reader of the engine's Server-Sent Events (text/event-stream), for the renderer, the CLI and
// tests alike. It takes text, not bytes: each side decodes UTF-8 with its own TextDecoderStream, so
// this file needs neither the DOM nor Node. Follows the WHATWG event-stream rules, so anything an
// EventSource would accept reads the same here.

/** One dispatched event. `id` is the last event id seen so far on the stream, as EventSource keeps it. */
export interface SseMessage {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

const LINE_END = /\r\n?|\n/g;

/** Decodes text chunks cut anywhere (inside a field, between `\r` and `\n`) into whole events. */
export class SseDecoder {
  /** The start of a line whose end has not arrived yet. */
  private partial = '';
  /** The previous chunk ended in `\r`: a `\n` opening the next one ends no second line. */
  private afterCarriageReturn = false;
  private started = false;
  private eventType = '';
  private data: string[] = [];
  private lastEventId: string | undefined;

  /** Feeds one chunk; returns the events it completed, in order. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.afterCarriageReturn && text.length > 0) {
      if (text.startsWith('\n')) text = text.slice(1);
      this.afterCarriageReturn = false;
    }
    const messages: SseMessage[] = [];
    let start = 0;
    LINE_END.lastIndex = 0;
    for (let match = LINE_END.exec(text); match; match = LINE_END.exec(text)) {
      // A `\r` that ends the chunk may be half of a `\r\n` cut in two.
      if (match[0] === '\r' && match.index === text.length - 1) this.afterCarriageReturn = true;
      const line = start === 0 && this.partial ? this.partial + text.slice(0, match.index) : text.slice(start, match.index);
      if (start === 0) this.partial = '';
      start = match.index + match[0].length;
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.partial = start === 0 ? this.partial + text : text.slice(start);
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    // A comment (`: keep-alive`) has an empty field name, so it is ignored like `retry` and unknown
    // fields (the callers reconnect on their own schedule).
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const event = this.eventType || 'message';
    const data = this.data;
    this.eventType = '';
    this.data = [];
    if (data.length === 0) return undefined;
    return { event, id: this.lastEventId, data: data.join('\n') };
  }
}

/**
 * The part of a `ReadableStream<string>` (a response body piped through `TextDecoderStream`) that
 * decodeSse reads. Spelled out so shared/ needs neither the DOM's nor Node's stream types.
 */
export interface TextStream {
  getReader(): {
    read(): Promise<{ readonly done: boolean; readonly value?: string | undefined }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

/**
 * Reads a text stream as events, no further than the consumer asks, so a slow consumer holds the
 * sender back. Stopping early cancels the stream, which closes its connection. An event cut off by
 * the end of the stream is dropped, as the rules say.
 */
export async function* decodeSse(text: TextStream): AsyncGenerator<SseMessage, void, undefined> {
  const reader = text.getReader();
  const decoder = new SseDecoder();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      if (value) yield* decoder.push(value);
    }
  } finally {
    if (ended) reader.releaseLock();
    else await reader.cancel().catch(() => undefined);
  }
}
