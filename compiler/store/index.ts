export { BentoStore, openStore, type BentoSummary, type StoredBento } from './bento-store.js';
export { formatTag, parseTag, type BentoTag } from './tag.js';
