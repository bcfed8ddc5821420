import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Browser-mode build of the renderer (served by the engine host from out/renderer). It lives at the
// top level, not in renderer/, because it runs in Node and renderer/ holds browser code only.
// The desktop build uses the same root through electron.vite.config.ts.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
