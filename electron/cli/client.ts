import { request } from 'node:http';
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

/**
 * One request with node:http rather than fetch: a command's first fetch loads Node's bundled undici,
 * which costs more than the rest of `berth ls` put together (the engine listens on plain HTTP on
 * 127.0.0.1, so nothing else is needed).
 */
function send(method: string, url: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (incoming) => {
      const parts: Buffer[] = [];
      incoming.on('data', (part: Buffer) => parts.push(part));
      incoming.on('error', reject);
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
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
    let response: { status: number; text: string };
    try {
      response = await send(definition.method, `${this.baseUrl}${path}${query ? `?${query}` : ''}`, {
        authorization: `Bearer ${this.token}`,
        ...(hasBody ? { 'content-type': 'application/json' } : {}),
      }, hasBody ? JSON.stringify(rest) : undefined);
    } catch (error) {
      throw new CliError(`Cannot reach the Berth engine at ${this.baseUrl} (${(error as Error).message}). Is \`berth serve\` running?`, 3, 'ENGINE_UNREACHABLE');
    }
    const body = parseJson(response.text) as { error?: { code: string; message: string } };
    if (response.status < 200 || response.status > 299) throw new CliError(body.error?.message ?? `The engine answered HTTP ${response.status}.`, 1, body.error?.code ?? 'ERROR');
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
