/** Where the CLI writes: the process's streams, or buffers in tests. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The stream that may show progress bars (a terminal), if any. */
  progress?: NodeJS.WriteStream | undefined;
}
