import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { Engine, type EngineOptions } from './engine';
import { removeApiFile, writeApiFile } from '../../common/api-file';
import { startHttpServer, type HttpServer } from './http/server';
import { createLogger, redact } from '../logger';

const log = createLogger('host');

/**
 * For the process that runs the engine (the desktop main process, `berth serve`): a rejection nobody
 * handled is a bug to log, not a reason to stop monitoring every deployment. Node would exit on it.
 */
export function logStrayRejections(): void {
  process.on('unhandledRejection', (reason) => log.error('A promise failed and nothing handled it; the engine carries on.', reason));
}

export interface RunningHost {
  readonly engine: Engine;
  readonly http: HttpServer;
  /** The browser-mode address, with the token in the fragment (never sent to the server in logs). */
  readonly browserUrl: string;
  close(): Promise<void>;
}

export interface HostOptions extends EngineOptions {
  readonly port?: number;
  readonly rendererDir?: string;
}

/** The built renderer, looked up from the repository root. */
export function defaultRendererDir(): string | undefined {
  const candidate = fileURLToPath(new URL('../../../out/renderer', import.meta.url));
  return existsSync(candidate) ? candidate : undefined;
}

/** Starts the engine and its HTTP API, and writes api.json for the CLI and scripts. */
export async function startHost(options: HostOptions = {}): Promise<RunningHost> {
  const engine = await Engine.start(options);
  let http: HttpServer;
  try {
    http = await startHttpServer({ engine, port: options.port ?? 0, rendererDir: options.rendererDir ?? defaultRendererDir() });
  } catch (error) {
    await engine.close();
    throw error;
  }
  // The token opens the whole API: no log line, and nothing failure analysis sends, may carry it.
  redact(http.token);
  writeApiFile(engine.config.dataDir, { url: http.url, token: http.token, pid: process.pid });
  let closed = false;
  return {
    engine,
    http,
    browserUrl: `${http.url}/#token=${http.token}`,
    close: async () => {
      if (closed) return;
      closed = true;
      removeApiFile(engine.config.dataDir, http.token);
      await http.close();
      await engine.close();
    },
  };
}
