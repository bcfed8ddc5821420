// What `berth serve` runs: the engine and its HTTP API in this process. Only the serve command loads
// this file, and only through import(), so every other command starts without the engine's packages.
import { logStrayRejections, startHost } from '../engine/host/serve';
import { configFromEnv } from '../engine/config';
import type { GlobalOptions } from './client';
import { printJson } from './output';

export interface HeadlessEngineOptions {
  readonly port?: number;
  /** The built renderer, served for browser mode. */
  readonly rendererDir: string;
}

/** Starts the engine, prints where it listens, and closes it on SIGINT / SIGTERM. */
export async function runHeadlessEngine(global: GlobalOptions, options: HeadlessEngineOptions): Promise<void> {
  logStrayRejections();
  const host = await startHost({ config: configFromEnv(process.env, global.dataDir), rendererDir: options.rendererDir, ...(options.port !== undefined ? { port: options.port } : {}) });
  if (global.json) printJson({ url: host.http.url, browserUrl: host.browserUrl, dataDir: host.engine.config.dataDir });
  else {
    process.stdout.write(`Berth engine listening on ${host.http.url}\n`);
    process.stdout.write(`Open the UI: ${host.browserUrl}\n`);
    process.stdout.write(`API token and address: ${host.engine.config.dataDir}/api.json\n`);
  }
  const shutdown = () => {
    void host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
