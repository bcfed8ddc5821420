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
      externalizeDeps: true,
      rollupOptions: {
        input: { index: fromRoot('electron/main/index.ts') },
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
