import { decodeSse, readStreamMessage, streamPath, type LogLine } from '../../shared';
import type { ApiClient } from './client';
import { formatLine } from './format-line';

/**
 * Follows the SSE log stream, resuming with Last-Event-ID whenever the connection drops. Each new line is
 * printed, or handed to `onLine` when given (`--grep` filters them).
 */
export async function followLogs(client: ApiClient, deploymentId: string, since: number, json: boolean, onLine?: (line: LogLine) => void): Promise<void> {
  let last = since;
  const color = Boolean(process.stdout.isTTY);
  for (;;) {
    try {
      const response = await client.stream(streamPath('logs', { id: deploymentId }), { 'last-event-id': String(last) });
      for await (const message of decodeSse(response.body!.pipeThrough(new TextDecoderStream()))) {
        const read = readStreamMessage('logs', message);
        if (read?.event !== 'line') continue;
        const line = read.payload;
        if (line.lineNo <= last) continue;
        last = line.lineNo;
        if (onLine) onLine(line);
        else process.stdout.write(json ? `${message.data}\n` : `${formatLine(line, color)}\n`);
      }
    } catch (error) {
      if ((error as { exitCode?: number }).exitCode !== undefined) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
