// A real HTTP proxy in front of an emulator, for fault injection: it forwards every request unchanged, and on
// demand drops connections (the client sees a reset: a network failure) or rewrites response bodies (the
// endpoint serves other bytes than were stored).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Resets the connection of the next `count` requests that `matches` accepts (method, path). */
  dropNext(count: number, matches?: (method: string, path: string) => boolean): void;
  /** Answers the next `count` requests that `matches` accepts itself, with `status` and an S3-style XML error. */
  answerNext(count: number, matches: (method: string, path: string) => boolean, status: number, code: string, message: string): void;
  /** While set, a response body that `matches` accepts is replaced by `replace(body)`. */
  rewriteBodies(matches: ((method: string, path: string, body: Buffer) => boolean) | null, replace?: (body: Buffer) => Buffer): void;
  /** Drops no more connections and rewrites nothing (what a test left armed does not reach the next). */
  reset(): void;
  /** Requests seen, as `METHOD path`. */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let drops: Array<{ left: number; matches: (method: string, path: string) => boolean }> = [];
  let answers: Array<{ left: number; matches: (method: string, path: string) => boolean; status: number; body: string }> = [];
  let rewrite: { matches: (method: string, path: string, body: Buffer) => boolean; replace: (body: Buffer) => Buffer } | null = null;
  const seen: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const path = incoming.url ?? '/';
    seen.push(`${method} ${path}`);
    const drop = drops.find((rule) => rule.left > 0 && rule.matches(method, path));
    if (drop) {
      drop.left -= 1;
      incoming.resume();
      incoming.socket.destroy();
      return;
    }
    const answer = answers.find((rule) => rule.left > 0 && rule.matches(method, path));
    if (answer) {
      answer.left -= 1;
      incoming.resume();
      outgoing.writeHead(answer.status, { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(answer.body)) });
      outgoing.end(answer.body);
      return;
    }
    const forwarded = request(
      { host: target.hostname, port: target.port, method, path, headers: { ...incoming.headers, host: target.host } },
      (response: IncomingMessage) => {
        const rule = rewrite;
        if (!rule) {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let body: Buffer = Buffer.concat(chunks);
          const headers = { ...response.headers };
          if (rule.matches(method, path, body)) {
            body = rule.replace(body);
            headers['content-length'] = String(body.length);
            delete headers['etag'];
            delete headers['content-md5'];
            for (const name of Object.keys(headers)) if (name.startsWith('x-amz-checksum')) delete headers[name];
          }
          outgoing.writeHead(response.statusCode ?? 502, headers);
          outgoing.end(body);
        });
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    dropNext: (count, matches = () => true) => {
      drops = [...drops.filter((rule) => rule.left > 0), { left: count, matches }];
    },
    answerNext: (count, matches, status, code, message) => {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
      answers = [...answers.filter((rule) => rule.left > 0), { left: count, matches, status, body }];
    },
    reset: () => {
      drops = [];
      answers = [];
      rewrite = null;
    },
    rewriteBodies: (matches, replace = (body) => body) => {
      rewrite = matches ? { matches, replace } : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
