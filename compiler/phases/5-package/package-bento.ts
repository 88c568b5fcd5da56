import type { BentoStore, StoredBento } from '../../store/index.js';

/**
 * Moves a generated bento from its staging folder into the store under its version and updates `latest`.
 * The generate phase never writes into the store directly, so a failure before this point leaves no bento.
 */
export async function packageBento(store: BentoStore, stagingDir: string, name: string, version: string): Promise<StoredBento> {
  return store.commit(stagingDir, name, version);
}
