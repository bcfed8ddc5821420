import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';

export interface UndeclaredMethods {
  /** Registers the answers for every method a path does not declare; call once every API route is registered. */
  answer(): void;
}

/**
 * A method a path does not declare gets 405 with an `Allow` header that lists the ones it does (RFC 9110),
 * not a 404 that suggests the path is wrong; OPTIONS gets that list with a 204. Routes are collected as
 * they are registered, so the SSE routes and the OpenAPI document count as much as the contract's.
 */
export function trackDeclaredMethods(
  app: FastifyInstance,
  refuse: (reply: FastifyReply, allow: string, method: string) => FastifyReply,
): UndeclaredMethods {
  const declared = new Map<string, Set<string>>();
  let answered = false;
  app.addHook('onRoute', (route) => {
    if (answered || !route.url.startsWith('/api/')) return;
    const methods = declared.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    // Fastify answers HEAD for every GET route.
    if (methods.has('GET')) methods.add('HEAD');
    declared.set(route.url, methods);
  });
  return {
    answer: () => {
      answered = true;
      for (const [url, methods] of declared) {
        const allow = [...methods, 'OPTIONS'].join(', ');
        const others = app.supportedMethods.filter((method) => !methods.has(method) && method !== 'OPTIONS') as HTTPMethods[];
        app.route({
          method: 'OPTIONS',
          url,
          schema: { hide: true },
          handler: async (_request, reply) => reply.code(204).header('allow', allow).send(),
        });
        const refuseMethod = async (request: FastifyRequest, reply: FastifyReply) => refuse(reply.header('allow', allow), allow, request.method);
        app.route({
          method: others,
          url,
          schema: { hide: true },
          // Answered before the body is read: a method the path does not take is the whole answer (Fastify would
          // otherwise refuse a QUERY without a Content-Type with 400 first).
          onRequest: refuseMethod,
          handler: refuseMethod,
        });
      }
    },
  };
}
