import type { Command } from 'commander';
import { decodeSse, readStreamMessage, streamPath, type Analysis, type AnalysisPreview } from '../../../shared';
import { clientFor, type ApiClient } from '../client';
import { CliError, printJson } from '../output';

interface AnalyzeOptions {
  crash?: boolean;
  dryRun?: boolean;
  showRequest?: boolean;
}

/** Reads stdin to its end (an API key piped in stays out of shell history and `ps`). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8').trim();
}

function printRequest(request: AnalysisPreview): void {
  process.stdout.write(`POST ${request.url ?? '(no endpoint is set: nothing would be sent)'}\n${request.redactions} value(s) redacted; the API key, if any, goes in the Authorization header.\n\n${request.body}\n`);
}

/**
 * Streams an analysis's answer to stdout as the engine announces it, until it ends. Subscribed before the
 * analysis starts, so no piece is missed.
 */
async function streamAnswer(client: ApiClient, start: () => Promise<Analysis>, json: boolean): Promise<Analysis> {
  const abort = new AbortController();
  const events = await client.stream(streamPath('events', {}), {}, abort.signal);
  let printed = 0;
  const show = (analysis: Analysis) => {
    if (json) return;
    if (analysis.answer.length > printed) process.stdout.write(analysis.answer.slice(printed));
    printed = Math.max(printed, analysis.answer.length);
  };
  try {
    const started = await start();
    if (!json) process.stderr.write(`Analysis ${started.id} with ${started.model}; ${started.redactions} secret value(s) redacted before sending.\n`);
    try {
      for await (const message of decodeSse(events.body!.pipeThrough(new TextDecoderStream()))) {
        const read = readStreamMessage('events', message);
        if (read?.event !== 'analysisUpdated' || read.payload.id !== started.id) continue;
        show(read.payload);
        if (read.payload.status !== 'streaming') return read.payload;
      }
    } catch {
      // The stream dropped: the stored analysis has the rest.
    }
    for (;;) {
      const current = await client.call('getAnalysis', { id: started.id });
      show(current);
      if (current.status !== 'streaming') return current;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    abort.abort();
  }
}

/** `berth analyze <run>` and `berth analysis set|show|clear` (docs/architecture.md, "Failure analysis"). */
export function registerAnalyzeCommands(program: Command): void {
  program
    .command('analyze <id>')
    .description(
      'send a failed run (or with --crash, a deployment\'s last crash) to the configured chat endpoint and stream the suggested fix; secrets are redacted first. ' +
        'The answer is stored with the run.',
    )
    .option('--crash', '<id> is a deployment: analyse its last crash')
    .option('--dry-run', 'print what would be sent, and send nothing')
    .option('--show-request', 'after the answer, print the request exactly as it was sent')
    .action(async (id: string, options: AnalyzeOptions, command: Command) => {
      const { client, options: global } = clientFor(command);
      if (options.dryRun) {
        const preview = options.crash ? await client.call('previewCrashAnalysis', { id }) : await client.call('previewRunAnalysis', { id });
        return global.json ? printJson(preview) : printRequest(preview);
      }
      const finished = await streamAnswer(client, () => (options.crash ? client.call('analyzeCrash', { id }) : client.call('analyzeRun', { id })), global.json);
      if (global.json) printJson(finished);
      else process.stdout.write('\n');
      if (options.showRequest && !global.json) printRequest((await client.call('getAnalysis', { id: finished.id })).request);
      if (finished.status === 'failed') throw new CliError(finished.error ?? 'The analysis failed.', 1, 'ANALYSIS_FAILED');
      return undefined;
    });

  const analysis = program.command('analysis').description('the OpenAI-compatible chat endpoint `berth analyze` sends failures to');
  analysis
    .command('show')
    .description('show the endpoint (the API key only as a hint)')
    .action(async (_options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const settings = await client.call('getAnalysisSettings', {});
      if (options.json) return printJson(settings);
      process.stdout.write(
        settings.configured
          ? `${settings.model} at ${settings.baseUrl}; API key: ${settings.apiKey ? `${settings.apiKey.hint} (${settings.apiKey.source})` : 'none'}\n`
          : 'No analysis endpoint: `berth analyze` sends nothing. Set one with `berth analysis set <baseUrl> <model>`.\n',
      );
      return undefined;
    });
  analysis
    .command('set <baseUrl> <model>')
    .description('set the endpoint, e.g. `berth analysis set http://127.0.0.1:11434/v1 llama3.1` (Ollama)')
    .option('--api-key-env <name>', 'the API key is in this environment variable of the engine')
    .option('--api-key-stdin', 'read the API key from stdin (sealed by the OS keychain; desktop app only)')
    .action(async (baseUrl: string, model: string, options: { apiKeyEnv?: string; apiKeyStdin?: boolean }, command: Command) => {
      if (options.apiKeyEnv && options.apiKeyStdin) throw new CliError('Give --api-key-env or --api-key-stdin, not both.', 2, 'BAD_ARGUMENTS');
      if (options.apiKeyStdin && process.stdin.isTTY) throw new CliError('--api-key-stdin reads a pipe, e.g. `printf %s "$KEY" | berth analysis set …`.', 2, 'BAD_ARGUMENTS');
      const { client, options: global } = clientFor(command);
      const apiKey = options.apiKeyEnv ? { env: options.apiKeyEnv } : options.apiKeyStdin ? { value: await readStdin() } : null;
      const settings = await client.call('setAnalysisSettings', { baseUrl, model, apiKey });
      if (global.json) return printJson(settings);
      process.stdout.write(`Analysis endpoint set: ${settings.model} at ${settings.baseUrl}${settings.apiKey ? ` (API key ${settings.apiKey.hint})` : ''}.\n`);
      return undefined;
    });
  analysis
    .command('clear')
    .description('forget the endpoint: nothing is sent anywhere until one is set again')
    .action(async (_options: unknown, command: Command) => {
      const { client, options } = clientFor(command);
      const settings = await client.call('clearAnalysisSettings', {});
      if (options.json) return printJson(settings);
      process.stdout.write('Analysis endpoint forgotten.\n');
      return undefined;
    });
}
