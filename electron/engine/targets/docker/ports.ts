// Host ports on 127.0.0.1: check a configured one is free, or let the kernel pick a free one.
import { createServer } from 'node:net';

/** Resolves true when nothing listens on 127.0.0.1:`port` (we could bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port that was free on 127.0.0.1 a moment ago (the kernel's ephemeral choice). */
export function allocateFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('The kernel did not assign a port.'))));
    });
  });
}
