// Streams an answer from an OpenAI-compatible chat-completions endpoint (Ollama, LM Studio, llama.cpp's
// server, hosted APIs): SSE `data:` chunks carrying `choices[0].delta.content`, ending with `[DONE]`. A server
// that ignores `stream` and answers one JSON document is read too. Every failure becomes a ChatEndpointError
// whose message says what happened and what to do, and never carries the API key.
import { decodeSse } from '../../../shared/sse-decoder';
import { errorText } from '../engine-error';

export class ChatEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChatEndpointError';
  }
}

export interface ChatStreamOptions {
  readonly url: string;
  readonly body: string;
  readonly apiKey: string | null;
  /** Until the answer's headers arrive. */
  readonly connectTimeoutMs: number;
  /** Longest silence between two chunks. */
  readonly idleTimeoutMs: number;
  readonly signal?: AbortSignal;
}

/** "0.3 s", "60 s". */
const seconds = (ms: number): string => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;

const WHERE_TO_CHANGE = 'Change it under Alerts & analysis → Analysis, or with PUT /api/analysis/settings.';

interface ChatChunk {
  choices?: { delta?: { content?: unknown }; message?: { content?: unknown } }[];
  error?: { message?: unknown } | string;
}

function errorMessageOf(document: ChatChunk | null): string | null {
  if (!document?.error) return null;
  if (typeof document.error === 'string') return document.error;
  return typeof document.error.message === 'string' ? document.error.message : JSON.stringify(document.error);
}

function parse(text: string): ChatChunk | null {
  try {
    return JSON.parse(text) as ChatChunk;
  } catch {
    return null;
  }
}

/** The reason node's fetch hides behind "fetch failed": ECONNREFUSED, ENOTFOUND, a certificate error… */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? errorText(error);
}

function statusMessage(status: number, detail: string, url: string): string {
  const said = detail ? `: ${detail.slice(0, 300)}` : '';
  if (status === 401 || status === 403) return `The analysis endpoint refused the request (HTTP ${status}${said}). Check its API key. ${WHERE_TO_CHANGE}`;
  if (status === 404) return `The analysis endpoint answered HTTP 404 at ${url}${said}. Check the base URL (it usually ends in /v1) and that the model is available there. ${WHERE_TO_CHANGE}`;
  if (status === 429) return `The analysis endpoint is rate-limiting requests (HTTP 429${said}). Try again in a minute.`;
  return `The analysis endpoint answered HTTP ${status}${said}.${status >= 500 ? ' The server failed; try again, or check its log.' : ` ${WHERE_TO_CHANGE}`}`;
}

/** Yields the answer's text as it arrives. */
export async function* streamChatCompletion(options: ChatStreamOptions): AsyncGenerator<string, void, undefined> {
  const abort = new AbortController();
  // An object, not a let: it is set in timer callbacks, which control-flow analysis cannot see.
  const stop: { reason: string | null } = { reason: null };
  let timer = setTimeout(() => {
    stop.reason = `The analysis endpoint did not answer within ${seconds(options.connectTimeoutMs)}. Is the server busy loading the model? Try again, or check it.`;
    abort.abort();
  }, options.connectTimeoutMs);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stop.reason = `The analysis endpoint went silent for ${seconds(options.idleTimeoutMs)} in the middle of its answer.`;
      abort.abort();
    }, options.idleTimeoutMs);
  };
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort);
  try {
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream, application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: options.body,
        redirect: 'error',
        signal: abort.signal,
      });
    } catch (error) {
      if (stop.reason) throw new ChatEndpointError(stop.reason);
      if (options.signal?.aborted) throw new ChatEndpointError('The analysis was stopped.');
      throw new ChatEndpointError(
        `Could not reach the analysis endpoint at ${options.url} (${causeOf(error)}). Start the server (Ollama, LM Studio, llama.cpp, …) or fix its address. ${WHERE_TO_CHANGE}`,
      );
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new ChatEndpointError(statusMessage(response.status, errorMessageOf(parse(text)) ?? text.trim(), options.url));
    }
    rearm();
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream')) {
      // A server that ignored `stream: true`: one JSON answer.
      const document = parse(await response.text());
      const failure = errorMessageOf(document);
      if (failure) throw new ChatEndpointError(`The analysis endpoint answered with an error: ${failure}`);
      const content = document?.choices?.[0]?.message?.content ?? document?.choices?.[0]?.delta?.content;
      if (typeof content !== 'string') throw new ChatEndpointError('The analysis endpoint answered something that is not a chat completion. Is the base URL an OpenAI-compatible API (…/v1)?');
      yield content;
      return;
    }
    for await (const message of decodeSse(response.body!.pipeThrough(new TextDecoderStream()))) {
      rearm();
      if (message.data.trim() === '[DONE]') return;
      const chunk = parse(message.data);
      const failure = errorMessageOf(chunk);
      if (failure) throw new ChatEndpointError(`The analysis endpoint stopped with an error: ${failure}`);
      const content = chunk?.choices?.[0]?.delta?.content;
      if (typeof content === 'string' && content.length > 0) yield content;
    }
  } catch (error) {
    if (error instanceof ChatEndpointError) throw error;
    if (stop.reason) throw new ChatEndpointError(stop.reason);
    if (options.signal?.aborted) throw new ChatEndpointError('The analysis was stopped.');
    throw new ChatEndpointError(`The answer from the analysis endpoint broke off (${causeOf(error)}). Try again.`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
