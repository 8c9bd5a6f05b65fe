// Builds the editor into editor/dist/, which `r1flow start` serves at `/`. The editor imports a few
// pure engine modules (the flow schema) from outside its root; Vite bundles them like its own.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
  },
});
