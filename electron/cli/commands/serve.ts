import type { Command } from 'commander';
import { globalOptions } from '../client';
import { CliError } from '../output';

export interface ServeCommandOptions {
  /** The built renderer (out/renderer), served for browser mode. */
  readonly rendererDir: string;
}

export function registerServeCommand(program: Command, serve: ServeCommandOptions): void {
  program
    .command('serve')
    .description('run the Berth engine headless, with its HTTP API and the browser UI, on 127.0.0.1')
    .option('--port <port>', 'port to listen on (default: any free port)', (value) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be a whole number from 0 to 65535 (got "${value}").`, 2);
      return port;
    })
    .action(async (options: { port?: number }, command: Command) => {
      // Loaded here, not at the top: the engine's packages (Docker, SQLite, the AWS SDK, fastify) are
      // for this command alone, and `berth ls` should not pay for them.
      const { runHeadlessEngine } = await import('../headless-engine');
      await runHeadlessEngine(globalOptions(command), { rendererDir: serve.rendererDir, ...(options.port !== undefined ? { port: options.port } : {}) });
    });
}
