import { decodeSse, type SseMessage } from '../../../shared/sse-decoder';

/** The engine's SSE events, as they arrive, read with the same decoder as the renderer and the CLI. */
export type SseEvent = SseMessage;

export function readEvents(response: Response): AsyncGenerator<SseEvent, void, undefined> {
  return decodeSse(response.body!.pipeThrough(new TextDecoderStream()));
}
