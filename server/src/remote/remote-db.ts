// A connection to the team index: connect with a clear one-line error, migrate the schema under an advisory lock (the
// writer), or check it (readers, which may hold a read-only role). The URL's password is never logged.
import type pg from 'pg';
import { describeRemote, RemoteError, remoteErrorOf } from './remote-error.js';
import { REMOTE_MIGRATIONS, REMOTE_READS_FROM, REMOTE_SCHEMA_VERSION } from './remote-schema.js';

/** The key of the advisory lock that serializes migrations (any constant; 'cctx' in ASCII). */
const MIGRATION_LOCK = 0x63637478;

/** One open connection; every failure of it is a RemoteError. */
export class RemoteDb {
  private constructor(
    private readonly client: pg.Client,
    readonly url: string,
  ) {}

  /** Connects (5 s at most). Throws RemoteError: unreachable, auth, not-found. */
  static async connect(url: string): Promise<RemoteDb> {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new RemoteError('failed', `the team index must be a postgres:// URL, got '${describeRemote(url)}'`);
    // Loaded on first use: a command that talks to no server never pays the driver's load (~30 ms).
    const { default: driver } = await import('pg');
    const client = new driver.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'codectx' });
    // A server gone while the connection idles emits 'error'; the next query reports it.
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (error) {
      void client.end().catch(() => {});
      throw remoteErrorOf(error, url);
    }
    return new RemoteDb(client, url);
  }

  /** Where this is, for messages: user@host:port/database. */
  get where(): string {
    return describeRemote(this.url);
  }

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.client.query<R>(text, values)).rows;
    } catch (error) {
      throw remoteErrorOf(error, this.url);
    }
  }

  /** Runs `op` in a transaction, rolled back when it throws. */
  async transaction<T>(op: () => Promise<T>): Promise<T> {
    await this.query('BEGIN');
    try {
      const value = await op();
      await this.query('COMMIT');
      return value;
    } catch (error) {
      await this.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /** The server's schema version: 0 when nothing was ever pushed there. */
  async schemaVersion(): Promise<number> {
    const exists = await this.query<{ t: string | null }>("SELECT to_regclass('codectx_schema')::text AS t");
    if (!exists[0]?.t) return 0;
    const rows = await this.query<{ version: number }>('SELECT max(version) AS version FROM codectx_schema');
    return rows[0]?.version ?? 0;
  }

  /** Brings the server's schema up to this code's (the writer does, under an advisory lock); refuses a newer one. */
  async migrate(): Promise<void> {
    // Up to date (the usual case): no lock, no DDL, so a role that may only read gets as far as its first write.
    const current = await this.schemaVersion();
    this.refuseNewer(current);
    if (current === REMOTE_SCHEMA_VERSION) return;
    await this.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await this.query('CREATE TABLE IF NOT EXISTS codectx_schema (version integer NOT NULL)');
      const version = await this.schemaVersion();
      this.refuseNewer(version);
      for (let v = version; v < REMOTE_SCHEMA_VERSION; v++) {
        await this.transaction(async () => {
          await this.query(REMOTE_MIGRATIONS[v] as string);
          await this.query('DELETE FROM codectx_schema');
          await this.query('INSERT INTO codectx_schema(version) VALUES ($1)', [v + 1]);
        });
      }
    } finally {
      await this.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  }

  /**
   * For readers: the server's schema version. Throws RemoteError('schema') unless this code reads it: from
   * REMOTE_READS_FROM (the files' rows and vectors as read today; later migrations only add tables) to its own.
   */
  async checkSchema(): Promise<number> {
    const version = await this.schemaVersion();
    this.refuseNewer(version);
    if (version === 0)
      throw new RemoteError('not-found', `nothing was pushed to the team index at ${this.where} yet (codectx push --remote)`);
    if (version < REMOTE_READS_FROM)
      throw new RemoteError(
        'schema',
        `the team index at ${this.where} has schema ${version} and this codectx reads ${REMOTE_READS_FROM} or later: a codectx push of this version upgrades it`,
      );
    return version;
  }

  private refuseNewer(version: number): void {
    if (version > REMOTE_SCHEMA_VERSION)
      throw new RemoteError(
        'schema',
        `the team index at ${this.where} has schema ${version}, newer than this codectx's ${REMOTE_SCHEMA_VERSION}: upgrade codectx`,
      );
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
