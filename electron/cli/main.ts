import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError, printError } from './output';
import { registerProjectCommands } from './commands/projects';
import { registerDeploymentCommands } from './commands/deployments';
import { registerServeCommand } from './commands/serve';
import { registerRunCommands } from './commands/runs';
import { registerScanCommand } from './commands/scan';
import { registerEjectCommand } from './commands/eject';
import { registerAlertCommands } from './commands/alerts';
import { registerAnalyzeCommands } from './commands/analyze';

const program = new Command()
  .name('berth')
  .description('Deploy projects to local Docker or AWS ECS and watch them. Talks to a running engine (`berth serve` or the app).')
  .option('--json', 'print machine-readable JSON')
  .option('--data-dir <dir>', 'the Berth data directory (default: BERTH_DATA_DIR or ~/.config/berth)')
  .showHelpAfterError('(run `berth --help` for the commands)')
  .exitOverride();

// This file runs built, as out/main/cli.js (bin/berth.js loads it); the renderer is built beside it,
// as the desktop app finds it.
registerServeCommand(program, { rendererDir: join(dirname(fileURLToPath(import.meta.url)), '../renderer') });
registerProjectCommands(program);
registerDeploymentCommands(program);
registerRunCommands(program);
registerScanCommand(program);
registerEjectCommand(program);
registerAlertCommands(program);
registerAnalyzeCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    printError(error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error)), Boolean(program.opts()['json']));
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}
