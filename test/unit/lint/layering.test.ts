import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints in-memory snippets as if they lived at real paths, through the repository's own config.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'berth/engine-layers']);

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  expect(result, `ESLint linted ${filePath}`).toBeDefined();
  return result!.messages.filter((message) => LAYER_RULES.has(message.ruleId ?? '')).map((message) => message.message);
}

describe('layering lint (docs/architecture.md)', () => {
  it.each([
    ['renderer/src/probe.ts', "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n"],
    ['renderer/src/probe.ts', "import { readFileSync } from 'fs';\nexport const probe = readFileSync;\n"],
    ['renderer/src/probe.tsx', "import { shell } from 'electron';\nexport const probe = shell;\n"],
    ['renderer/src/probe.ts', "import Database from 'better-sqlite3';\nexport const probe = Database;\n"],
    ['renderer/src/probe.ts', "import { Engine } from '../../electron/engine/host/engine';\nexport const probe = Engine;\n"],
    ['electron/engine/host/probe.ts', "import { app } from 'electron';\nexport const probe = app;\n"],
    ['electron/engine/host/probe.ts', "import type { BrowserWindow } from 'electron';\nexport type Probe = BrowserWindow;\n"],
    ['electron/cli/probe.ts', "import { app } from 'electron/main';\nexport const probe = app;\n"],
    ['shared/probe.ts', "import { join } from 'node:path';\nexport const probe = join;\n"],
    ['shared/probe.ts', "import { join } from 'path';\nexport const probe = join;\n"],
    ['shared/probe.ts', "import { createRoot } from 'react-dom/client';\nexport const probe = createRoot;\n"],
    ['shared/probe.ts', "import { createLogger } from '../electron/engine/logger';\nexport const probe = createLogger;\n"],
  ])('rejects %s importing: %s', async (filePath, code) => {
    const messages = await restrictedImportMessages(filePath, code);
    expect(messages.length).toBeGreaterThan(0);
  });

  it.each([
    ['renderer/src/probe.ts', "import { requests } from '../../shared';\nimport { useState } from 'react';\nexport const probe = [requests, useState];\n"],
    ['electron/engine/host/probe.ts', "import { join } from 'node:path';\nimport { requests } from '../../../shared';\nexport const probe = [join, requests];\n"],
    ['shared/probe.ts', "import { z } from 'zod';\nimport { requests } from './contract';\nexport const probe = [z, requests];\n"],
    ['electron/main/probe.ts', "import { app } from 'electron';\nexport const probe = app;\n"],
  ])('allows %s importing: %s', async (filePath, code) => {
    expect(await restrictedImportMessages(filePath, code)).toEqual([]);
  });

  it('bans raw ipcMain / ipcRenderer outside the typed wrappers', async () => {
    expect(await restrictedImportMessages('electron/main/probe.ts', "import { ipcMain } from 'electron';\nexport const probe = ipcMain;\n")).not.toEqual([]);
    expect(await restrictedImportMessages('electron/main/probe.ts', "import { ipcRenderer } from 'electron';\nexport const probe = ipcRenderer;\n")).not.toEqual([]);
    expect(
      await restrictedImportMessages('electron/main/probe.ts', "import * as electron from 'electron';\nelectron.ipcMain.handle('raw', () => 1);\n"),
    ).not.toEqual([]);
    expect(
      await restrictedImportMessages('electron/main/probe.ts', "import type { BrowserWindow } from 'electron';\nexport function probe(window: BrowserWindow) { window.webContents.send('raw', 1); }\n"),
    ).not.toEqual([]);
    expect(await restrictedImportMessages('electron/main/ipc-main.ts', "import { ipcMain } from 'electron';\nipcMain.handle('typed', () => 1);\n")).toEqual([]);
  });

  describe("the engine's internal order: base → store → logs → ports → docker/aws → health → targets/monitor → pipeline → host", () => {
    it.each([
      ['electron/engine/store/probe.ts', "import type { Engine } from '../host/engine';\nexport type Probe = Engine;\n"],
      ['electron/engine/logs/probe.ts', "import { Notifier } from '../monitor/notifier';\nexport const probe = Notifier;\n"],
      ['electron/engine/docker/probe.ts', "import type { DeployTarget } from '../targets/target';\nexport type Probe = DeployTarget;\n"],
      ['electron/engine/health/probe-x.ts', "export { PipelineController } from '../pipeline/runner';\n"],
      ['electron/engine/targets/docker/probe.ts', "import { PipelineController } from '../../pipeline/runner';\nexport const probe = PipelineController;\n"],
      ['electron/engine/monitor/probe.ts', "export async function probe() { return import('../host/serve'); }\n"],
      ['electron/engine/context-x.ts', "export const probe = 1;\n"],
    ])('rejects %s importing upward: %s', async (filePath, code) => {
      const messages = await restrictedImportMessages(filePath, code);
      expect(messages.length).toBeGreaterThan(0);
    });

    it.each([
      ['electron/engine/targets/docker/probe.ts', "import { withDockerTimeout } from '../../docker/call';\nimport { probeHttp } from '../../health/probe';\nimport type { DeploymentsPort } from '../../context';\nexport const probe = [withDockerTimeout, probeHttp] as unknown as DeploymentsPort;\n"],
      ['electron/engine/host/probe.ts', "import { PipelineController } from '../pipeline/runner';\nimport { Store } from '../store/store';\nexport const probe = [PipelineController, Store];\n"],
      ['electron/engine/monitor/probe.ts', "import { HealthRule } from '../health/health-rule';\nimport { DockerTarget } from '../targets/docker/docker-target';\nexport const probe = [HealthRule, DockerTarget];\n"],
    ])('allows %s importing its own layer or lower: %s', async (filePath, code) => {
      expect(await restrictedImportMessages(filePath, code)).toEqual([]);
    });

    it('says what the order is and where to put shared pieces', async () => {
      const [message] = await restrictedImportMessages('electron/engine/logs/probe.ts', "import type { MonitorPort } from '../monitor/deployment-monitor';\nexport type Probe = MonitorPort;\n");
      expect(message).toContain('logs/probe (logs) may not import monitor/deployment-monitor (targets and monitor)');
      expect(message).toContain('context.ts');
    });
  });

  it('electron/common may not import the engine or the CLI', async () => {
    expect(await restrictedImportMessages('electron/common/probe.ts', "import { Store } from '../engine/store/store';\nexport const probe = Store;\n")).not.toEqual([]);
  });
});
