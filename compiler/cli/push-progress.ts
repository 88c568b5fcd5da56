import type { PushProgressEvent } from '../image/push-image.js';
import { formatBytes } from './format.js';

/**
 * Push progress: NDJSON events with --json (layer status changes only, not every byte count); on a terminal,
 * one line per layer status change with its size, and a percentage at most every quarter of a layer's upload.
 */
export function createPushReporter(mode: { json: boolean; quiet: boolean; tty: boolean }): (event: PushProgressEvent) => void {
  const last = new Map<string, { status: string; quarter: number }>();
  return (event) => {
    if (event.type === 'pushed') {
      if (mode.json) console.log(JSON.stringify({ event: 'pushed', reference: event.reference, digest: event.digest, pinned: event.pinned, size: event.size }));
      return;
    }
    const key = `${event.reference} ${event.id}`;
    const previous = last.get(key);
    const quarter = event.total ? Math.floor((4 * (event.current ?? 0)) / event.total) : 0;
    const changed = previous?.status !== event.status;
    last.set(key, { status: event.status, quarter });
    if (mode.quiet) return;
    if (mode.json) {
      if (changed) console.log(JSON.stringify({ event: 'layer', reference: event.reference, id: event.id, status: event.status }));
      return;
    }
    if (changed) console.error(`  ${event.id}: ${event.status}`);
    else if (mode.tty && event.total && quarter !== previous?.quarter) {
      console.error(`  ${event.id}: ${event.status} ${formatBytes(event.current ?? 0)} / ${formatBytes(event.total)}`);
    }
  };
}
