import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, type DialectName } from './migrations.js';
import type { HubDatabase } from './schema.js';

export interface HubDb {
  db: Kysely<HubDatabase>;
  dialect: DialectName;
  close(): Promise<void>;
}

/**
 * SQLite in `<dataDir>/hub.db` unless `databaseUrl` is a postgres:// URL. Either way the schema is migrated
 * before the first query.
 */
export async function openDatabase(options: { dataDir: string; databaseUrl?: string }): Promise<HubDb> {
  const url = options.databaseUrl;
  let db: Kysely<HubDatabase>;
  let dialect: DialectName;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    db = new Kysely<HubDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 10 }) }) });
  } else if (url && !/^sqlite:/.test(url)) {
    throw new Error(`unsupported database URL ${url.replace(/\/\/[^@]*@/, '//…@')}: use postgres://… or sqlite:PATH`);
  } else {
    dialect = 'sqlite';
    const sqlite = new Database(url ? url.slice('sqlite:'.length) : join(options.dataDir, 'hub.db'));
    sqlite.pragma('journal_mode = WAL'); // readers never wait for the one writer
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<HubDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  try {
    await migrateToLatest(db, dialect);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, dialect, close: () => db.destroy() };
}
