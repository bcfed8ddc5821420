import type { FastifyReply } from 'fastify';
import { HTTP_STATUS_FOR_ERROR, type ErrorCode } from '../../../../shared';

/** Answers with the API's error envelope `{error:{code,message,field?}}` and the code's 4xx (or 5xx) status. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, field?: string): FastifyReply {
  return reply
    .code(HTTP_STATUS_FOR_ERROR[code])
    .type('application/json; charset=utf-8')
    .send({ error: field === undefined ? { code, message } : { code, message, field } });
}
