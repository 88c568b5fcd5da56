import { createRequire } from 'node:module';

/** bentoc's own version, from its package.json: part of every bento's content hash. */
export const bentocVersion: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
