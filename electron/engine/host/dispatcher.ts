import { describeIssues, err, ok, requests, type RequestName, type RequestOutput, type RequestParsedInput, type Result } from '../../../shared';
import { createLogger } from '../logger';
import { EngineError } from '../engine-error';

export type Handlers = { readonly [N in RequestName]: (input: RequestParsedInput<N>) => Promise<RequestOutput<N>> | RequestOutput<N> };

const log = createLogger('host/dispatch');

/**
 * Validates a request's input against the contract and runs its handler. Whatever happens, the
 * caller gets a Result: thrown errors never cross a process boundary.
 */
export function createDispatcher(handlers: Handlers) {
  return async function dispatch<N extends RequestName>(name: N, rawInput: unknown): Promise<Result<RequestOutput<N>>> {
    const definition = requests[name];
    if (!definition) return err('NOT_FOUND', `Unknown request "${String(name)}".`);
    const parsed = definition.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      const { message, field } = describeIssues(parsed.error.issues);
      return err('VALIDATION_FAILED', `Invalid input for ${name}: ${message}`, field);
    }
    try {
      const handler = handlers[name] as (input: unknown) => Promise<RequestOutput<N>> | RequestOutput<N>;
      return ok(await handler(parsed.data));
    } catch (error) {
      if (error instanceof EngineError) return err(error.code, error.message, error.field);
      log.error(`${name} failed`, error);
      return err('INTERNAL', `Berth hit an unexpected error while handling ${name}: ${error instanceof Error ? error.message : String(error)}. Check the engine log.`);
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
