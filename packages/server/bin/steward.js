#!/usr/bin/env node
// The `steward` command: the built CLI, or a word on how to build it (npm links this file at install, before any build).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('steward: the CLI is not built yet — run `npm run build` in the Steward checkout\n');
  process.exit(1);
}
await import(main.href);
