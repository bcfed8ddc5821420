import type { LogLine } from '../../shared';
import type { ApiClient } from './client';
import { formatLine } from './commands/deployments';

/** Follows the SSE log stream, resuming with Last-Event-ID whenever the connection drops. */
export async function followLogs(client: ApiClient, deploymentId: string, since: number, json: boolean): Promise<void> {
  let last = since;
  const color = Boolean(process.stdout.isTTY);
  for (;;) {
    try {
      const response = await client.stream(`/api/deployments/${encodeURIComponent(deploymentId)}/logs/stream`, { 'last-event-id': String(last) });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== 'line' || data === undefined) continue;
          const line = JSON.parse(data) as LogLine;
          if (line.lineNo <= last) continue;
          last = line.lineNo;
          process.stdout.write(json ? `${data}\n` : `${formatLine(line, color)}\n`);
        }
      }
    } catch (error) {
      if ((error as { exitCode?: number }).exitCode !== undefined) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
