import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startServeProcess } from '../../test/support/berth-process';

export interface BerthServer {
  readonly url: string;
  readonly token: string;
  readonly browserUrl: string;
  readonly dataDir: string;
  /** Calls the engine's HTTP API with the token. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops the engine (SIGTERM, or SIGKILL with hard=true) and starts it again on the same data dir. */
  restart(options?: { hard?: boolean }): Promise<void>;
}

/** Starts `berth serve` on a fresh data dir for one test file. */
export async function startBerth(env: NodeJS.ProcessEnv = {}): Promise<BerthServer & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  let running = await startServeProcess(dataDir, env);
  const token = new URL(running.browserUrl.replace('#token=', '?token=')).searchParams.get('token')!;
  const stopChild = (signal: NodeJS.Signals) => running.stop(signal);
  const server = {
    get url() {
      return running.url;
    },
    get browserUrl() {
      return running.browserUrl;
    },
    get token() {
      return new URL(running.browserUrl.replace('#token=', '?token=')).searchParams.get('token') ?? token;
    },
    dataDir,
    async api<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${running.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async restart(options: { hard?: boolean } = {}) {
      await stopChild(options.hard ? 'SIGKILL' : 'SIGTERM');
      running = await startServeProcess(dataDir, env);
    },
    async stop() {
      await stopChild('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Opens the browser UI and waits until the app has rendered. */
export async function openApp(page: Page, server: BerthServer): Promise<void> {
  await page.goto(server.browserUrl);
  await expect(page.getByRole('heading', { name: 'Berth' })).toBeVisible();
}

/** A test with a fresh `berth serve` per test file (worker-scoped). */
export const test = base.extend<{ berth: BerthServer }, { berthWorker: BerthServer & { stop(): Promise<void> } }>({
  berthWorker: [
    async ({}, use) => {
      const server = await startBerth();
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  berth: async ({ berthWorker }, use) => use(berthWorker),
});

export { expect };
