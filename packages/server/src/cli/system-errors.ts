/**
 * The operating-system and driver errors a user causes and can fix (a busy port, a database that refuses the
 * connection, a file that cannot be written), in one line that says what to do; undefined for anything else.
 */
export function describeSystemError(error: unknown): string | undefined {
  // Node tries each address of a host name in turn and reports them together.
  if (error instanceof AggregateError && error.errors.length > 0) return describeSystemError(error.errors[0]);
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  switch (e?.code) {
    case 'EADDRINUSE':
      return `port ${e.port ?? ''} on ${e.address ?? 'this host'} is in use — pass --port with a free port (0 picks one)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${e.address ?? 'that address'} — pass --host with an address of this machine (127.0.0.1, 0.0.0.0)`;
    case 'EACCES':
      return `permission denied: ${e.message.replace(/^.*EACCES: /, '')} — choose a port above 1023, or a folder you can write`;
    case 'ECONNREFUSED':
      return `cannot connect to ${e.address ?? 'the database'}${e.port ? `:${e.port}` : ''} (connection refused) — is PostgreSQL running, and is --db / STEWARD_DB right?`;
    case 'ENOTFOUND':
      return `cannot resolve the host in ${e.message.replace(/^.*ENOTFOUND /, '')} — check --db / STEWARD_DB`;
    case '28P01':
    case '28000':
      return `PostgreSQL refused the login: ${e.message} — check the user and password in --db / STEWARD_DB`;
    case '3D000':
      return `${e.message} — create it (createdb) or point --db / STEWARD_DB at one that exists`;
    case 'SQLITE_CANTOPEN':
      return `cannot open the SQLite file: ${e.message} — check that its folder exists and is writable`;
    default:
      return undefined;
  }
}
