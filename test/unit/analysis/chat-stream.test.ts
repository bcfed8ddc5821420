import { afterEach, describe, expect, it } from 'vitest';
import { streamChatCompletion } from '../../../electron/engine/analysis/chat-stream';
import { startReceiver } from '../../support/http-receiver';
import { startOpenAiServer } from '../../support/openai-server';

const collect = async (generator: AsyncGenerator<string>): Promise<string[]> => {
  const out: string[] = [];
  for await (const piece of generator) out.push(piece);
  return out;
};

const options = (url: string, extra: Partial<Parameters<typeof streamChatCompletion>[0]> = {}) => ({
  url,
  body: JSON.stringify({ model: 'test', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  apiKey: 'sk-test-key-1234567890abcdef',
  connectTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  ...extra,
});

describe('streamChatCompletion (OpenAI-compatible)', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('yields the streamed pieces in order, with the key in the Authorization header', async () => {
    const server = await startOpenAiServer({ chunks: ['one ', 'two ', 'three'] });
    closers.push(() => server.close());
    expect(await collect(streamChatCompletion(options(`${server.baseUrl}/chat/completions`)))).toEqual(['one ', 'two ', 'three']);
    expect(server.requests[0]!.headers['authorization']).toBe('Bearer sk-test-key-1234567890abcdef');
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('reads a server that ignores stream and answers one JSON document', async () => {
    const server = await startOpenAiServer({ chunks: ['whole answer'], json: true });
    closers.push(() => server.close());
    expect(await collect(streamChatCompletion(options(`${server.baseUrl}/chat/completions`, { apiKey: null })))).toEqual(['whole answer']);
    expect(server.requests[0]!.headers['authorization']).toBeUndefined();
  });

  it('says what an error answer means, without the key', async () => {
    const server = await startOpenAiServer({ fail: { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) } });
    closers.push(() => server.close());
    await expect(collect(streamChatCompletion(options(`${server.baseUrl}/chat/completions`)))).rejects.toThrow(/refused the request \(HTTP 401: Incorrect API key provided\)\. Check its API key/);
    const missing = await startOpenAiServer({ fail: { status: 404, body: '{"error":"model \\"nope\\" not found"}' } });
    closers.push(() => missing.close());
    await expect(collect(streamChatCompletion(options(`${missing.baseUrl}/chat/completions`)))).rejects.toThrow(/HTTP 404 .*model "nope" not found.*Check the base URL/);
  });

  it('an unreachable endpoint is a clear error naming it', async () => {
    const closed = await startReceiver();
    const url = `${closed.url}/v1/chat/completions`;
    await closed.close();
    await expect(collect(streamChatCompletion(options(url)))).rejects.toThrow(new RegExp(`Could not reach the analysis endpoint at ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(ECONNREFUSED\\)\\. Start the server`));
  });

  it('gives up on a server that never answers, and on one that goes silent mid-answer', async () => {
    const hung = await startReceiver(() => 'hang');
    closers.push(() => hung.close());
    await expect(collect(streamChatCompletion(options(`${hung.url}/v1/chat/completions`, { connectTimeoutMs: 300 })))).rejects.toThrow(/did not answer within 0\.3 s\. Is the server busy/);
    const silent = await startReceiver((_request, _index, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: 'partial' } }] })}\n\n`);
      return 'hang';
    });
    closers.push(() => silent.close());
    const pieces: string[] = [];
    await expect(
      (async () => {
        for await (const piece of streamChatCompletion(options(`${silent.url}/v1/chat/completions`, { idleTimeoutMs: 300 }))) pieces.push(piece);
      })(),
    ).rejects.toThrow(/went silent/);
    expect(pieces).toEqual(['partial']);
  });
});
