import type { Command } from 'commander';
import { requestHasBody, requests, type RequestInput, type RequestName, type RequestOutput } from '../../shared';
import { readApiFile } from '../common/api-file';
import { defaultDataDir } from '../common/data-dir';
import { CliError } from './output';

export interface GlobalOptions {
  readonly json: boolean;
  readonly dataDir: string;
}

export function globalOptions(command: Command): GlobalOptions {
  const options = command.optsWithGlobals() as { json?: boolean; dataDir?: string };
  return { json: Boolean(options.json), dataDir: options.dataDir ?? defaultDataDir() };
}

/** A client of the running engine's HTTP API, found through <dataDir>/api.json. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static fromDataDir(dataDir: string): ApiClient {
    try {
      const file = readApiFile(dataDir);
      return new ApiClient(file.url, file.token);
    } catch (error) {
      throw new CliError((error as Error).message, 3, 'ENGINE_NOT_RUNNING');
    }
  }

  async call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    const definition = requests[name];
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    const path = definition.path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
      const value = rest[key];
      delete rest[key];
      return encodeURIComponent(String(value));
    });
    const hasBody = requestHasBody(definition.method);
    const query = hasBody ? '' : new URLSearchParams(Object.entries(rest).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string])).toString();
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}${query ? `?${query}` : ''}`, {
        method: definition.method,
        headers: { authorization: `Bearer ${this.token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { body: JSON.stringify(rest) } : {}),
      });
    } catch (error) {
      throw new CliError(`Cannot reach the Berth engine at ${this.baseUrl} (${(error as Error).message}). Is \`berth serve\` running?`, 3, 'ENGINE_UNREACHABLE');
    }
    const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!response.ok) throw new CliError(body.error?.message ?? `The engine answered HTTP ${response.status}.`, 1, body.error?.code ?? 'ERROR');
    return body as RequestOutput<N>;
  }

  /** Opens an SSE stream with the token; returns the raw response. */
  async stream(path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${this.token}`, ...headers }, ...(signal ? { signal } : {}) });
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => ({}))) as { error?: { message: string } };
      throw new CliError(body.error?.message ?? `The engine answered HTTP ${response.status}.`);
    }
    return response;
  }
}

export function clientFor(command: Command): { client: ApiClient; options: GlobalOptions } {
  const options = globalOptions(command);
  return { client: ApiClient.fromDataDir(options.dataDir), options };
}
