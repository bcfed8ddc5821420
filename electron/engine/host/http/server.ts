import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ERROR_CODES, requestHasBody, requests, successStatusOf, type HttpMethod, type RequestName } from '../../../../shared';
import type { Engine } from '../engine';
import { sendError } from './send-error';
import { berthVersion } from '../version';
import { splitObjectSchema, toJsonSchema } from './json-schema';
import { registerEventStreams } from './event-streams';
import { openApiLinks } from './openapi-links';
import { trackDeclaredMethods } from './undeclared-methods';

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

interface DocumentedOperation {
  operationId?: string;
  requestBody?: { required?: boolean };
  responses?: Record<string, { links?: object }>;
}

/** What every failure answers, whatever the route: `{error:{code,message,field?}}`. */
const errorEnvelopeSchema = toJsonSchema(
  z.object({ error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), field: z.string().optional() }) }),
  'output',
);
const ERROR_RESPONSES = { '4xx': errorEnvelopeSchema, '5xx': errorEnvelopeSchema } as const;

/**
 * Whether a request must carry a body. A PATCH or PUT body is the change itself, so one is always needed
 * (an empty PATCH is a mistake, not a no-op); a POST needs one only when a field of it is required, or when
 * it is a union.
 */
function bodyRequired(method: HttpMethod, body: { required?: string[]; oneOf?: unknown; anyOf?: unknown } | null): boolean {
  if (!body) return false;
  // A union body (one shape per kind) is always one of its members, each with fields of its own to give.
  return method === 'PATCH' || method === 'PUT' || (body.required?.length ?? 0) > 0 || body.oneOf !== undefined || body.anyOf !== undefined;
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

  // Every API route documents the error envelope, the SSE streams included.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.schema?.hide) return;
    route.schema = { ...route.schema, response: { ...ERROR_RESPONSES, ...(route.schema?.response as object | undefined) } };
  });
  const undeclaredMethods = trackDeclaredMethods(app, (reply, allow, method) =>
    sendError(reply, 'METHOD_NOT_ALLOWED', `${method} is not a method of ${reply.request.url.split('?')[0]}; it takes ${allow}. See /api/openapi.json.`),
  );

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
    // What @fastify/swagger cannot say from a route's schema: a POST whose fields are all optional takes no
    // body (it marks every body required), and the links from answers that carry ids.
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      const { openapiObject } = document;
      for (const operations of Object.values(openapiObject.paths ?? {})) {
        for (const operation of Object.values(operations as Record<string, DocumentedOperation>)) {
          const name = operation.operationId as RequestName | undefined;
          if (!name || !(name in requests)) continue;
          if (operation.requestBody) operation.requestBody.required = bodiesRequired[name] ?? true;
          const linked = links.get(name);
          const answer = linked && operation.responses?.[linked.status];
          if (linked && answer) answer.links = linked.links;
        }
      }
      return openapiObject;
    },
  });

  const bodiesRequired: Partial<Record<RequestName, boolean>> = {};
  const links = openApiLinks();
  for (const [name, definition] of Object.entries(requests) as [RequestName, (typeof requests)[RequestName]][]) {
    const params = pathParams(definition.path);
    const input = splitObjectSchema(toJsonSchema(definition.input, 'input'), params);
    const hasBody = requestHasBody(definition.method);
    const needsBody = hasBody && bodyRequired(definition.method, input.rest);
    bodiesRequired[name] = needsBody;
    const status = successStatusOf(definition);
    app.route({
      method: definition.method,
      url: definition.path,
      schema: {
        operationId: name,
        summary: definition.summary,
        ...(input.picked ? { params: input.picked } : {}),
        ...(input.rest ? (hasBody ? { body: input.rest } : { querystring: input.rest }) : {}),
        response: { [status]: toJsonSchema(definition.output, 'output') },
      },
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = hasBody ? request.body : undefined;
        if (body === undefined || body === null) {
          if (needsBody) {
            return sendError(reply, 'VALIDATION_FAILED', `${definition.method} ${definition.path} needs a JSON object body (Content-Type: application/json) naming what to change.`);
          }
        } else if (typeof body !== 'object' || Array.isArray(body)) {
          return sendError(reply, 'VALIDATION_FAILED', 'The request body must be a JSON object.');
        } else {
          // A path parameter in the body would be overwritten by the path's without a word: refuse it instead.
          const misplaced = params.find((param) => Object.hasOwn(body, param));
          if (misplaced) return sendError(reply, 'VALIDATION_FAILED', `"${misplaced}" belongs in the path (${definition.path}), not in the body.`, misplaced);
        }
        // `?since=` is not `since=0` (what coercion would make of it): an empty value is refused, for every parameter.
        const empty = hasBody ? undefined : emptyQueryParameter(request.url);
        if (empty !== undefined) return sendError(reply, 'VALIDATION_FAILED', `Query parameter "${empty}" is empty: give it a value, or leave it out.`, empty);
        // Inputs of POST/PUT/PATCH come from the body only: a query string ends up in proxies' and shells' history.
        const raw = { ...(hasBody ? {} : (request.query as object)), ...((body as object | undefined) ?? {}), ...(request.params as object) };
        const result = await options.engine.dispatch(name, raw);
        if (!result.ok) return sendError(reply, result.error.code, result.error.message, result.error.field);
        return reply.code(status).type('application/json; charset=utf-8').send(result.value);
      },
    });
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerEventStreams(app, options.engine);
  undeclaredMethods.answer();

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: ['index.html'], wildcard: false });
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return { url: `http://127.0.0.1:${port}`, token, app, close: () => app.close() };
}

/** The first query parameter given with no value (`?since=` or `?since`), if any. */
export function emptyQueryParameter(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  for (const [name, value] of new URLSearchParams(url.slice(query + 1))) if (value === '') return name;
  return undefined;
}
