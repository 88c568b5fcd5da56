import type { Generated } from 'kysely';

/** The hub's tables. Timestamps are ISO-8601 text and JSON is text, so one schema works on SQLite and PostgreSQL. */
export interface HubDatabase {
  repositories: RepositoryTable;
  versions: VersionTable;
  version_labels: VersionLabelTable;
  aliases: AliasTable;
  alias_history: AliasHistoryTable;
  blobs: BlobTable;
  uploads: UploadTable;
  tokens: TokenTable;
  sessions: SessionTable;
  audit_log: AuditTable;
}

export type RepositoryKind = 'bento' | 'model';

export interface RepositoryTable {
  id: Generated<number>;
  kind: RepositoryKind;
  name: string;
  created_at: string;
}

export interface VersionTable {
  id: Generated<number>;
  repository_id: number;
  version: string;
  /** sha256 of the archive, hex: the blob's address. */
  digest: string;
  /** Archive bytes; bigint on PostgreSQL, so read through Number(). */
  size: number | string;
  /** JSON: bento.yaml or model.yaml as parsed from the archive itself, never from the client. */
  manifest: string;
  /** JSON: small text files read from the archive (Dockerfile, openapi.json, README.md). */
  files: string;
  pushed_by: string;
  created_at: string;
}

export interface VersionLabelTable {
  version_id: number;
  key: string;
  value: string;
}

export interface AliasTable {
  repository_id: number;
  name: string;
  version_id: number;
  updated_by: string;
  updated_at: string;
}

export interface AliasHistoryTable {
  id: Generated<number>;
  repository_id: number;
  alias: string;
  /** The version (string) the alias pointed at after the move; null when the alias was removed. */
  version: string | null;
  moved_by: string;
  moved_at: string;
}

export interface BlobTable {
  digest: string;
  size: number | string;
  created_at: string;
}

export interface UploadTable {
  id: string;
  kind: RepositoryKind;
  name: string;
  version: string;
  digest: string;
  size: number | string;
  labels: string;
  created_by: string;
  created_at: string;
}

export interface TokenTable {
  id: string;
  name: string;
  /** sha256 of the secret part, hex; the secret itself is shown once and never stored. */
  secret_hash: string;
  /** JSON list of scopes: `read:<pattern>`, `write:<pattern>` over `bento/<name>` and `model/<name>`. */
  scopes: string;
  admin: number;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionTable {
  /** sha256 of the cookie value. */
  id_hash: string;
  token_id: string;
  csrf: string;
  expires_at: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** JSON with what the action needs to be understood later. */
  details: string;
}
