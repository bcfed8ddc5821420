import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { requestHasBody, requests, type RequestName } from '../../../../shared';
import type { Engine } from '../engine';
import { sendError } from './send-error';
import { berthVersion } from '../version';
import { splitObjectSchema, toJsonSchema } from './json-schema';
import { registerEventStreams } from './event-streams';

export interface HttpServerOptions {
  readonly engine: Engine;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly token?: string;
  /** The built renderer (out/renderer) for browser mode; skipped when it does not exist. */
  readonly rendererDir?: string | undefined;
}

export interface HttpServer {
  readonly url: string;
  readonly token: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_048_576;

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

/** The engine's HTTP + SSE API (docs/architecture.md, "The contract and its transports"): loopback only, bearer token, Host checked. */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    // Errors Fastify raises before routing (a malformed URL, say) get the same JSON envelope.
    frameworkErrors: (error, _request, reply) => void sendError(reply, 'VALIDATION_FAILED', `Bad request: ${error.message}`),
  });
  let allowedHosts = new Set<string>();

  // Validation is the contract's job (the dispatcher), shared with IPC; Fastify only routes.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      return sendError(reply, 'FORBIDDEN', `Host "${request.headers.host ?? ''}" is not allowed. Berth's API answers only on its loopback address.`);
    }
    if (!request.url.startsWith('/api/') || request.url === '/api/openapi.json') return undefined;
    if (!tokenMatches(request.headers.authorization, token)) {
      return sendError(reply, 'UNAUTHORIZED', 'Missing or wrong bearer token. Send "Authorization: Bearer <token>" with the token from <dataDir>/api.json.');
    }
    return undefined;
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, 'VALIDATION_FAILED', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    if (status < 500) return sendError(reply, 'VALIDATION_FAILED', `Bad request: ${error.message}`);
    return sendError(reply, 'INTERNAL', `Berth hit an unexpected error: ${error.message}`);
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return sendError(reply, 'NOT_FOUND', `No API route ${request.method} ${request.url.split('?')[0]}. See /api/openapi.json.`);
    return sendError(reply, 'NOT_FOUND', 'Not found.');
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Berth engine API', version: berthVersion(), description: 'Loopback-only API of the Berth engine. Every /api route needs a bearer token.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  for (const [name, definition] of Object.entries(requests) as [RequestName, (typeof requests)[RequestName]][]) {
    const params = pathParams(definition.path);
    const input = splitObjectSchema(toJsonSchema(definition.input, 'input'), params);
    const hasBody = requestHasBody(definition.method);
    app.route({
      method: definition.method,
      url: definition.path,
      schema: {
        operationId: name,
        summary: definition.summary,
        ...(input.picked ? { params: input.picked } : {}),
        ...(input.rest ? (hasBody ? { body: input.rest } : { querystring: input.rest }) : {}),
        response: {
          200: toJsonSchema(definition.output, 'output'),
          '4xx': { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
        },
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = hasBody ? request.body : undefined;
        if (hasBody && body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
          return sendError(reply, 'VALIDATION_FAILED', 'The request body must be a JSON object.');
        }
        // Inputs of POST/PUT/PATCH come from the body only: a query string ends up in proxies' and shells' history.
        const raw = { ...(hasBody ? {} : (request.query as object)), ...((body as object | undefined) ?? {}), ...(request.params as object) };
        const result = await options.engine.dispatch(name, raw);
        if (!result.ok) return sendError(reply, result.error.code, result.error.message, result.error.field);
        return reply.type('application/json; charset=utf-8').send(result.value);
      },
    });
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerEventStreams(app, options.engine);

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: false });
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return { url: `http://127.0.0.1:${port}`, token, app, close: () => app.close() };
}
