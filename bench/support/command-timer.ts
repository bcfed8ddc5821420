// Runs a baseline command (grep) from a small child process that times it there, so the bench process never
// forks while it measures. A fork marks the forking process's memory copy-on-write: its next writes to the
// heap and to SQLite's page cache each take a page fault. Measured on filter_history's first page: 4.3–4.6 ms
// alone, 7.0–7.2 ms right after `spawnSync('true')` (bench/README.md "The first page, fourth look"); the engine
// does not fork before a filter request, so the bench should not either.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';

const RUNNER = `
const { spawnSync } = require('node:child_process');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const { command, args } = JSON.parse(line);
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms, status: result.status, stdout: result.stdout, error: result.error && String(result.error) }) + '\\n');
});`;

export interface TimedRun {
  /** Wall time from spawning the command to its exit, measured in the runner. */
  readonly ms: number;
  readonly stdout: string;
}

export class CommandTimer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: AsyncIterableIterator<string>;
  private readonly lines: Interface;

  constructor() {
    this.child = spawn(process.execPath, ['-e', RUNNER], { stdio: ['pipe', 'pipe', 'inherit'] }) as unknown as ChildProcessWithoutNullStreams;
    this.lines = createInterface({ input: this.child.stdout });
    this.replies = this.lines[Symbol.asyncIterator]();
  }

  /** Runs `command args` in the runner; grep's "no match" (exit 1) is a result, anything else a failure. */
  async run(command: string, args: readonly string[]): Promise<TimedRun> {
    this.child.stdin.write(`${JSON.stringify({ command, args })}\n`);
    const reply = await this.replies.next();
    if (reply.done) throw new Error(`The command timer exited before running ${command}.`);
    const result = JSON.parse(reply.value) as { ms: number; status: number | null; stdout: string; error?: string };
    if (result.error || (result.status !== 0 && result.status !== 1)) throw new Error(`${command} ${args.join(' ')} failed: ${result.error ?? `exit ${result.status}`}`);
    return { ms: result.ms, stdout: result.stdout };
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}
