// The page-side log viewer harness (renderer/src/logs/bench-harness.ts), bundled for the render and heap benches.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Bundles the page-side harness (renderer/src/logs/bench-harness.ts) into one script and its CSS. */
export async function buildHarness(): Promise<{ script: string; css: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'berth-log-bench-'));
  try {
    await build({
      configFile: false,
      root: repoRoot,
      logLevel: 'error',
      define: { 'process.env.NODE_ENV': '"production"' },
      build: {
        outDir,
        emptyOutDir: true,
        minify: true,
        cssCodeSplit: false,
        lib: { entry: join(repoRoot, 'renderer/src/logs/bench-harness.ts'), formats: ['iife'], name: 'berthLogBenchBundle', fileName: () => 'harness.js' },
      },
    });
    const files = readdirSync(outDir);
    const css = files.filter((file) => file.endsWith('.css')).map((file) => readFileSync(join(outDir, file), 'utf8')).join('\n');
    return { script: readFileSync(join(outDir, 'harness.js'), 'utf8'), css };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
