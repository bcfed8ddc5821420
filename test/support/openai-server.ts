// A loopback server that speaks the OpenAI chat-completions protocol (`POST …/chat/completions`, streamed as
// SSE `data:` chunks ending in `[DONE]`), as Ollama, LM Studio and llama.cpp's server do. Every request body is
// kept, so a test can check what left the machine.
import type { ServerResponse } from 'node:http';
import { startReceiver, type ReceivedRequest, type Receiver } from './http-receiver';

export interface OpenAiServerOptions {
  /** The answer, in the pieces it streams in. */
  readonly chunks?: readonly string[];
  /** Wait between pieces, ms. */
  readonly delayMs?: number;
  /** Answer with this status and body instead. */
  readonly fail?: { readonly status: number; readonly body: string };
  /** Answer with one JSON document, as a server that ignores `stream` does. */
  readonly json?: boolean;
  /** Called with each request before answering. */
  readonly onRequest?: (request: ReceivedRequest) => void;
  /** The last piece waits for this (a test checks what is shown mid-answer, then lets it finish). */
  readonly beforeLastPiece?: () => Promise<void>;
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<Receiver & { readonly baseUrl: string }> {
  const chunks = options.chunks ?? ['The build ', 'failed because ', 'the port is taken.'];
  const receiver = await startReceiver((request, _index, response: ServerResponse) => {
    options.onRequest?.(request);
    if (options.fail) {
      response.writeHead(options.fail.status, { 'content-type': 'application/json' }).end(options.fail.body);
      return;
    }
    if (request.method !== 'POST' || !request.path.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
      return;
    }
    const model = (JSON.parse(request.body) as { model: string }).model;
    if (options.json) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', model, choices: [{ index: 0, message: { role: 'assistant', content: chunks.join('') }, finish_reason: 'stop' }] }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const frame = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const pieces = [frame({ role: 'assistant', content: '' }), ...chunks.map((content) => frame({ content })), frame({}, 'stop'), 'data: [DONE]\n\n'];
    const lastPiece = pieces.length - 3;
    const send = (index: number) => {
      if (response.destroyed) return;
      if (index >= pieces.length) return void response.end();
      response.write(pieces[index]);
      const next = () => setTimeout(() => send(index + 1), options.delayMs ?? 5);
      if (index + 1 === lastPiece && options.beforeLastPiece) void options.beforeLastPiece().then(next);
      else next();
    };
    send(0);
  });
  return Object.assign(receiver, { baseUrl: `${receiver.url}/v1` });
}
