#!/usr/bin/env node
import { runCli } from './program.js';

// A reader that stops early (`steward --help | head`) closes the pipe: the rest of the output has nowhere to go.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  progress: process.stderr,
});
