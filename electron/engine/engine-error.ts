import type { ErrorCode } from '../../shared';

/** An error meant for the user: it says what happened and what to do. Becomes `{ok:false,error}`. */
export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export const notFound = (what: string, id: string): EngineError =>
  new EngineError('NOT_FOUND', `No ${what} with id or name "${id}". List them with \`berth ls\` or GET /api/${what}s.`);

/** The message of anything thrown, for a log line or a user-facing sentence. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
