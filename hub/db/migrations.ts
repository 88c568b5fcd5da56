import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { HubDatabase } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Versioned migrations, run at start-up on both databases. A released migration never changes: a new schema
 * change is a new entry. Auto-increment ids are the one dialect difference.
 */
function listMigrations(dialect: DialectName): Record<string, Migration> {
  const id = <T extends string>(db: Kysely<unknown>, table: T) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'serial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    '0001_initial': {
      async up(db) {
        await id(db, 'repositories')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('repositories_kind_name', ['kind', 'name'])
          .execute();
        await id(db, 'versions')
          .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id'))
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('manifest', 'text', (c) => c.notNull())
          .addColumn('files', 'text', (c) => c.notNull())
          .addColumn('pushed_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('versions_repository_version', ['repository_id', 'version'])
          .execute();
        await db.schema.createIndex('versions_digest').on('versions').column('digest').execute();
        // a repository's versions are listed newest first (by id): without this every page sorts them all
        await db.schema.createIndex('versions_repository_id').on('versions').columns(['repository_id', 'id']).execute();
        await db.schema
          .createTable('version_labels')
          .addColumn('version_id', 'integer', (c) => c.notNull().references('versions.id').onDelete('cascade'))
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('version_labels_pk', ['version_id', 'key'])
          .execute();
        // no (key, value) index: label filters always start from one repository's versions and probe the primary
        // key; with that index SQLite drove from every labelled version instead (10× slower with 10,000 versions)
        await db.schema
          .createTable('aliases')
          .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version_id', 'integer', (c) => c.notNull().references('versions.id'))
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('aliases_pk', ['repository_id', 'name'])
          .execute();
        await id(db, 'alias_history')
          .addColumn('repository_id', 'integer', (c) => c.notNull().references('repositories.id'))
          .addColumn('alias', 'text', (c) => c.notNull())
          .addColumn('version', 'text')
          .addColumn('moved_by', 'text', (c) => c.notNull())
          .addColumn('moved_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('blobs')
          .addColumn('digest', 'text', (c) => c.primaryKey())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('uploads')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('labels', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('uploads_target', ['kind', 'name', 'version', 'digest'])
          .execute();
        await db.schema
          .createTable('tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('admin', 'integer', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('token_id', 'text', (c) => c.notNull().references('tokens.id'))
          .addColumn('csrf', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await id(db, 'audit_log')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('details', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      },
    },
  };
}

/** Brings the database to the newest schema; fails loudly (and changes nothing more) on any error. */
export async function migrateToLatest(db: Kysely<HubDatabase>, dialect: DialectName): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => listMigrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
