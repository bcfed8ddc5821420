import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { globalOptions } from '../client';
import { describeScan } from '../describe-scan';
import { CliError, printJson } from '../output';

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function registerScanCommand(program: Command): void {
  program
    .command('scan <dir>')
    .description('show how Berth would build and run the folder <dir>: shape, runtime, commands, port, health route, and the evidence for each; nothing is deployed or written (exits 1 when Berth cannot deploy it as it is)')
    .action(async (dir: string, _options: unknown, command: Command) => {
      const { json } = globalOptions(command);
      const sourceDir = resolve(dir);
      if (!isFolder(sourceDir)) throw new CliError(`There is no folder at ${sourceDir}. Give the path of the project's folder, e.g. \`berth scan .\`.`, 2, 'BAD_ARGUMENTS');
      // The scan runs here, without an engine; loaded only by this command, like `berth serve` loads the engine.
      const { scanProject } = await import('../../engine/scan/scan-project');
      const scan = await scanProject(sourceDir);
      if (json) printJson(scan);
      else process.stdout.write(`${describeScan(scan)}\n`);
      if (scan.refusal) process.exitCode = 1;
    });
}
