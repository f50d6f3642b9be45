import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/ and served by `steward serve` at /; the API is on the same origin.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true },
});
