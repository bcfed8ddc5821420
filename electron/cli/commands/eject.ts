import type { Command } from 'commander';
import { clientFor } from '../client';
import { printJson } from '../output';

export function registerEjectCommand(program: Command): void {
  program
    .command('eject <project>')
    .description("write the Dockerfile Berth generates for a zero-config project into its folder (and a .dockerignore when it has none); from then on the project builds from that Dockerfile")
    .action(async (reference: string, _options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const result = await client.call('ejectProject', { id: reference });
      if (options.json) return printJson(result);
      for (const path of result.written) process.stdout.write(`Wrote ${path}\n`);
      process.stdout.write(`${reference} now builds from its own Dockerfile: edit it as you like, and commit it with the code. The next \`berth deploy ${reference}\` uses it.\n`);
    });
}
