import { describe, expect, it } from 'vitest';
import { SseDecoder, decodeSse, type SseMessage } from '../../../shared/sse-decoder';

function decodeChunks(chunks: readonly string[]): SseMessage[] {
  const decoder = new SseDecoder();
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

// What the engine sends: a comment first, events with and without ids, a heartbeat between them.
const STREAM = [
  ': berth',
  '',
  'event: snapshot',
  'data: {"lastLineNo":2}',
  '',
  'id: 1',
  'event: line',
  'data: {"lineNo":1,"text":"héllo wörld ✓"}',
  '',
  ': keep-alive',
  '',
  'id: 2',
  'event: line',
  'data: {"lineNo":2,"text":"second"}',
  '',
  'event: behind',
  'data: {"fromLineNo":3,"toLineNo":9}',
  '',
  '',
].join('\n');

const EXPECTED: SseMessage[] = [
  { event: 'snapshot', id: undefined, data: '{"lastLineNo":2}' },
  { event: 'line', id: '1', data: '{"lineNo":1,"text":"héllo wörld ✓"}' },
  { event: 'line', id: '2', data: '{"lineNo":2,"text":"second"}' },
  // The id is the stream's last event id, as EventSource keeps it.
  { event: 'behind', id: '2', data: '{"fromLineNo":3,"toLineNo":9}' },
];

describe('SseDecoder', () => {
  it('reads whole events with their names, ids and data, and skips comments', () => {
    expect(decodeChunks([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events whichever two places the stream is cut at', () => {
    for (let first = 0; first <= STREAM.length; first++) {
      for (let second = first; second <= STREAM.length; second += 7) {
        const chunks = [STREAM.slice(0, first), STREAM.slice(first, second), STREAM.slice(second)];
        expect(decodeChunks(chunks), `cut at ${first} and ${second}`).toEqual(EXPECTED);
      }
    }
  });

  it('reads one character at a time', () => {
    expect(decodeChunks([...STREAM])).toEqual(EXPECTED);
  });

  it('ends lines at CRLF, CR or LF, even with a CRLF cut between two chunks', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n');
    const cr = STREAM.replaceAll('\n', '\r');
    expect(decodeChunks([crlf])).toEqual(EXPECTED);
    expect(decodeChunks([cr])).toEqual(EXPECTED);
    for (let cut = 0; cut <= crlf.length; cut++) expect(decodeChunks([crlf.slice(0, cut), crlf.slice(cut)]), `cut at ${cut}`).toEqual(EXPECTED);
    // A CR at the end of a chunk, an empty chunk, then the LF: still one line end, not an empty line.
    expect(decodeChunks(['data: a\r', '', '\ndata: b\r\n', '\r\n'])).toEqual([{ event: 'message', id: undefined, data: 'a\nb' }]);
    expect(decodeChunks(['data: a\n\r\ndata: b\r\rdata: c\n\n'])).toEqual([
      { event: 'message', id: undefined, data: 'a' },
      { event: 'message', id: undefined, data: 'b' },
      { event: 'message', id: undefined, data: 'c' },
    ]);
  });

  it('joins the data lines of one event with newlines and strips only one leading space', () => {
    expect(decodeChunks(['event: multi\ndata: first\ndata:second\ndata\ndata:  indented\n\n'])).toEqual([{ event: 'multi', id: undefined, data: 'first\nsecond\n\n indented' }]);
  });

  it('dispatches nothing for an event without data, and the event name does not leak into the next one', () => {
    expect(decodeChunks(['event: lonely\n\n', 'id: 7\n\n', 'data: plain\n\n'])).toEqual([{ event: 'message', id: '7', data: 'plain' }]);
  });

  it('keeps the last id across events, takes an empty id, ignores an id with NUL and unknown fields', () => {
    const messages = decodeChunks(['id: 5\ndata: a\n\n', 'data: b\n\n', 'id: 6\u00007\nretry: 10\nfoo: bar\ndata: c\n\n', 'id\ndata: d\n\n']);
    expect(messages.map((message) => [message.id, message.data])).toEqual([
      ['5', 'a'],
      ['5', 'b'],
      ['5', 'c'],
      ['', 'd'],
    ]);
  });

  it('treats a line of only a colon, or with a colon first, as a comment', () => {
    expect(decodeChunks([':\n:data: not data\ndata: real\n\n'])).toEqual([{ event: 'message', id: undefined, data: 'real' }]);
  });

  it('drops a byte order mark at the start of the stream only', () => {
    expect(decodeChunks(['\uFEFFdata: x\n\n', '\uFEFFdata: y\n\n'])).toEqual([
      { event: 'message', id: undefined, data: 'x' },
      // Later in the stream it is part of the field name, so the line is an unknown field.
    ]);
    expect(decodeChunks(['', '\uFEFF', 'data: x\n\n'])).toEqual([{ event: 'message', id: undefined, data: 'x' }]);
  });
});

describe('decodeSse', () => {
  async function collect(messages: AsyncIterable<SseMessage>): Promise<SseMessage[]> {
    const out: SseMessage[] = [];
    for await (const message of messages) out.push(message);
    return out;
  }

  it('reads a response body decoded by TextDecoderStream, a character split across byte chunks included; an event cut off by the end is dropped', async () => {
    const bytes = new TextEncoder().encode(`${STREAM}data: never finished`);
    const splitInsideCharacter = bytes.indexOf(0xc3) + 1;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, splitInsideCharacter));
        controller.enqueue(bytes.slice(splitInsideCharacter));
        controller.close();
      },
    });
    expect(await collect(decodeSse(new Response(body).body!.pipeThrough(new TextDecoderStream())))).toEqual(EXPECTED);
  });

  it('reads no further than its consumer asks, and cancels the stream when the consumer stops', async () => {
    let pulled = 0;
    let cancelled = false;
    const text = new ReadableStream<string>(
      {
        pull(controller) {
          pulled++;
          controller.enqueue(`data: ${pulled}\n\n`);
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const messages = decodeSse(text);
    expect((await messages.next()).value).toEqual({ event: 'message', id: undefined, data: '1' });
    expect((await messages.next()).value).toEqual({ event: 'message', id: undefined, data: '2' });
    expect(pulled).toBe(2);
    await messages.return();
    expect(cancelled).toBe(true);
  });
});
