import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The desktop build (docs/architecture.md, "Layers"): main and preload from electron/, the renderer from renderer/,
// each from its own root through rollupOptions.input. Output goes to out/{main,preload,renderer}
// (electron-vite's defaults, so `electron-vite build --outDir <dir>` can redirect all three).
export default defineConfig({
  main: {
    build: {
      // Native and Node-only packages (better-sqlite3, dockerode, the AWS SDK, fastify…) stay in node_modules.
      // zod is bundled: every CLI command builds the contract's schemas, and loading zod as ~95 separate ES
      // modules from node_modules was about a third of `berth ls` (bench/README.md, "cli_start").
      externalizeDeps: { exclude: ['zod'] },
      // The same build makes the `berth` CLI (out/main/cli.js), which runs on the user's Node, not
      // Electron's: aim at the oldest Node package.json accepts.
      target: 'node20.19',
      rollupOptions: {
        // Two entries, so the desktop app and `berth serve` run the same engine chunks.
        input: { index: fromRoot('electron/main/index.ts'), cli: fromRoot('electron/cli/main.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle everything else (zod, shared/) into one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: fromRoot('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    base: './',
    plugins: [react()],
    build: {
      emptyOutDir: true,
      chunkSizeWarningLimit: 2000,
      rollupOptions: {
        input: { index: fromRoot('renderer/index.html') },
      },
    },
  },
});
