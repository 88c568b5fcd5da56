/** What push and pull report: one JSON object per line with --json, a progress bar on a terminal. */
export type TransferEvent =
  | { event: 'start'; action: 'push' | 'pull'; tag: string; size: number; digest?: string }
  | { event: 'resume'; offset: number }
  | { event: 'progress'; bytes: number; size: number }
  | { event: 'exists'; tag: string }
  | { event: 'done'; tag: string; digest: string; size: number; seconds: number; imported?: boolean };

export type Reporter = (event: TransferEvent) => void;

export function createReporter(json: boolean): Reporter {
  if (json) {
    let lastProgress = 0;
    return (event) => {
      // progress at most 5 times a second (and the last one): a log line per socket read helps no one
      if (event.event === 'progress' && event.bytes < event.size && Date.now() - lastProgress < 200) return;
      if (event.event === 'progress') lastProgress = Date.now();
      console.log(JSON.stringify(event));
    };
  }
  const tty = Boolean(process.stderr.isTTY);
  let started = Date.now();
  let lastDraw = 0;
  return (event) => {
    switch (event.event) {
      case 'start':
        started = Date.now();
        console.error(`${event.action === 'push' ? 'Pushing' : 'Pulling'} ${event.tag} (${mib(event.size)})`);
        break;
      case 'resume':
        console.error(`Resuming at ${mib(event.offset)}: the hub already has those bytes`);
        break;
      case 'progress': {
        if (!tty || (Date.now() - lastDraw < 100 && event.bytes < event.size)) break;
        lastDraw = Date.now();
        const share = event.size === 0 ? 1 : event.bytes / event.size;
        const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '.');
        const rate = event.bytes / 1e6 / Math.max((Date.now() - started) / 1000, 1e-3);
        process.stderr.write(`\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${mib(event.bytes)}/${mib(event.size)}  ${rate.toFixed(1)} MB/s`);
        if (event.bytes >= event.size) process.stderr.write('\n');
        break;
      }
      case 'exists':
        console.log(`${event.tag} is already on the hub; nothing to send`);
        break;
      case 'done':
        console.log(`${event.imported === false ? 'Already had' : 'Done:'} ${event.tag} (sha256 ${event.digest.slice(0, 12)}…, ${mib(event.size)} in ${event.seconds.toFixed(1)} s)`);
        break;
    }
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
