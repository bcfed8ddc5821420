// Bundles a page-side bench harness (a file under renderer/src) into one IIFE script and its CSS, to
// inject into a Chromium page with addScriptTag/addStyleTag.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Bundles `entry` (relative to the repository root) for production; `globalName` names the IIFE's export. */
export async function bundlePageScript(entry: string, globalName: string): Promise<{ script: string; css: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-bench-page-'));
  try {
    await build({
      configFile: false,
      root: repoRoot,
      logLevel: 'error',
      plugins: [react()],
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        outDir,
        emptyOutDir: true,
        minify: true,
        cssCodeSplit: false,
        lib: { entry: join(repoRoot, entry), formats: ['iife'], name: globalName, fileName: () => 'harness.js' },
      },
    });
    const files = readdirSync(outDir);
    const css = files.filter((file) => file.endsWith('.css')).map((file) => readFileSync(join(outDir, file), 'utf8')).join('\n');
    return { script: readFileSync(join(outDir, 'harness.js'), 'utf8'), css };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
