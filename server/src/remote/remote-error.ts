// The one error type of the team index, with a one-line message that never holds the password of the server's URL.

export type RemoteErrorCode = 'unreachable' | 'auth' | 'schema' | 'permission' | 'not-found' | 'failed';

export class RemoteError extends Error {
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** `user@host:port/database` of a postgres:// URL: what messages name, never the password. */
export function describeRemote(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${user}${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'the team index (its URL does not parse)';
  }
}

/** A driver or network error as a RemoteError naming the server (not its password) and what to do. */
export function remoteErrorOf(error: unknown, url: string): RemoteError {
  if (error instanceof RemoteError) return error;
  const e = error as { code?: string; message?: string };
  const where = describeRemote(url);
  const text = oneLine(e?.message ?? String(error), url);
  switch (e?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
    case '57P01': // admin_shutdown
    case '57P02': // crash_shutdown
    case '57P03': // cannot_connect_now
      return new RemoteError('unreachable', `the team index at ${where} cannot be reached (${text})`);
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification
      return new RemoteError(
        'auth',
        `the team index at ${where} refused the credentials (${text}): check the user and password of --remote`,
      );
    case '3D000': // invalid_catalog_name
      return new RemoteError('not-found', `the team index at ${where} has no such database (${text})`);
    case '42501': // insufficient_privilege
      return new RemoteError(
        'permission',
        `the team index at ${where} does not allow this role to write (${text}): push with a role that may`,
      );
  }
  if (/terminated|Connection terminated|timeout/i.test(text))
    return new RemoteError('unreachable', `the team index at ${where} dropped the connection (${text})`);
  return new RemoteError('failed', `the team index at ${where} failed: ${text}`);
}

/** A message on one line, with the URL's password blanked should a driver ever repeat it. */
function oneLine(text: string, url: string): string {
  let out = text.replace(/\s+/g, ' ').trim();
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join('***');
  } catch {
    // No URL to take a password from.
  }
  return out;
}
