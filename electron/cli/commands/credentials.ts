import { InvalidArgumentError, type Command } from 'commander';
import { awsCredentialsInputSchema } from '../../../shared';
import { clientFor } from '../client';
import { CliError, printJson } from '../output';

interface CredentialsOptions {
  accessKeyId?: string;
  secretAccessKeyStdin?: boolean;
  sessionTokenStdin?: boolean;
  clear?: boolean;
}

function parseAccessKeyId(value: string): string {
  const parsed = awsCredentialsInputSchema.shape.accessKeyId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'is not an AWS access key id.');
  return value;
}

/** Secrets come from stdin only: argv shows up in shell history and in `ps`. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** The secret (and the session token, on the next line, when asked for) from what was piped in. */
export function secretsFromStdin(text: string, withSessionToken: boolean): { secretAccessKey: string; sessionToken?: string } {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const [secretAccessKey, sessionToken, ...rest] = lines;
  if (!secretAccessKey) throw new CliError('No secret access key on stdin. Pipe it in, e.g. `printf %s "$SECRET" | berth projects credentials …`.', 2, 'BAD_ARGUMENTS');
  if (withSessionToken && !sessionToken) throw new CliError('--session-token-stdin: put the session token on the line after the secret access key.', 2, 'BAD_ARGUMENTS');
  if (rest.length > 0 || (!withSessionToken && sessionToken !== undefined)) {
    throw new CliError(`stdin has more lines than expected: the secret access key${withSessionToken ? ', then the session token' : ''}, one per line.`, 2, 'BAD_ARGUMENTS');
  }
  return withSessionToken ? { secretAccessKey, sessionToken: sessionToken! } : { secretAccessKey };
}

/** `berth projects credentials <project>`: store AWS keys (desktop app only) or clear them. */
export function registerCredentialsCommand(projects: Command): void {
  projects
    .command('credentials <project>')
    .description(
      'store AWS keys for a project, sealed by the OS keychain (only the desktop app can; headless Berth refuses), or --clear them. ' +
        'The secret is read from stdin, never from the command line.',
    )
    .option('--access-key-id <id>', 'the access key id (AKIA…)', parseAccessKeyId)
    .option('--secret-access-key-stdin', 'read the secret access key from stdin')
    .option('--session-token-stdin', 'also read a session token from stdin, on the line after the secret')
    .option('--clear', 'forget the stored keys; ECS uses the profile or the default credential chain again')
    .action(async (reference: string, options: CredentialsOptions, command: Command) => {
      if (options.clear) {
        if (options.accessKeyId || options.secretAccessKeyStdin || options.sessionTokenStdin) throw new CliError('--clear takes no keys.', 2, 'BAD_ARGUMENTS');
        const { client, options: global } = clientFor(command);
        const result = await client.call('clearAwsCredentials', { id: reference });
        if (global.json) printJson(result);
        else process.stdout.write(`No AWS keys stored for ${reference}: ECS uses its profile or the default credential chain.\n`);
        return;
      }
      if (!options.accessKeyId) throw new CliError('Give --access-key-id <id> --secret-access-key-stdin (the secret piped in), or --clear.', 2, 'BAD_ARGUMENTS');
      if (!options.secretAccessKeyStdin) {
        throw new CliError('The secret access key is read from stdin only, so it stays out of shell history and `ps`: add --secret-access-key-stdin and pipe it in.', 2, 'BAD_ARGUMENTS');
      }
      if (process.stdin.isTTY) {
        throw new CliError('--secret-access-key-stdin reads a pipe, not the terminal: e.g. `printf %s "$SECRET" | berth projects credentials …` or `… < secret.txt`.', 2, 'BAD_ARGUMENTS');
      }
      const { client, options: global } = clientFor(command);
      const secrets = secretsFromStdin(await readStdin(), Boolean(options.sessionTokenStdin));
      const result = await client.call('setAwsCredentials', { id: reference, accessKeyId: options.accessKeyId, ...secrets });
      if (global.json) printJson(result);
      else process.stdout.write(`Stored AWS keys ${result.accessKeyIdHint} for ${reference}, sealed by the OS keychain. Its ECS deploys use them instead of the profile.\n`);
    });
}
