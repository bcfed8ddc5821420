import type { Command } from 'commander';
import { startHost } from '../../engine/host/serve';
import { configFromEnv } from '../../engine/config';
import { globalOptions } from '../client';
import { CliError, printJson } from '../output';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the Berth engine headless, with its HTTP API and the browser UI, on 127.0.0.1')
    .option('--port <port>', 'port to listen on (default: any free port)', (value) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be a whole number from 0 to 65535 (got "${value}").`, 2);
      return port;
    })
    .action(async (options: { port?: number }, command: Command) => {
      const global = globalOptions(command);
      const host = await startHost({ config: configFromEnv(process.env, global.dataDir), ...(options.port !== undefined ? { port: options.port } : {}) });
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
    });
}
