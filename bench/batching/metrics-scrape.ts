/** Reads the batch size histogram and shed counter from a bento's /metrics (Prometheus text). */
export interface BatchCounters {
  rows: number;
  batches: number;
  shed: number;
}

export async function scrapeBatchCounters(baseUrl: string, api: string): Promise<BatchCounters> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string): number => {
    const match = new RegExp(`^${name}\\{[^}]*api="${api}"[^}]*\\} ([0-9.e+-]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { rows: read('bento_batch_size_rows_sum'), batches: read('bento_batch_size_rows_count'), shed: read('bento_shed_total') };
}

/** Mean rows per outbound batch between two scrapes. */
export function meanBatchSize(before: BatchCounters, after: BatchCounters): number {
  const batches = after.batches - before.batches;
  return batches > 0 ? (after.rows - before.rows) / batches : Number.NaN;
}
