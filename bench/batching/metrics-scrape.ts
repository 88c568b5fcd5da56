/**
 * Reads a bento's /metrics (Prometheus text): the batch size histogram and shed counter of an API, and how
 * many of its route's 2xx answers the server sent within the latency bound (its own clock, from request
 * received to response sent: what the server controls, without the load generator's own delays).
 */
export interface BatchCounters {
  rows: number;
  batches: number;
  shed: number;
  answers: number;
  answersWithinBound: number;
}

export async function scrapeBatchCounters(baseUrl: string, api: string, route: string, boundSeconds: number): Promise<BatchCounters> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (name: string, labels: string): number => {
    const match = new RegExp(`^${name}\\{${labels}\\} ([0-9.e+-]+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const ofApi = `[^}]*api="${api}"[^}]*`;
  const answers = `route="${route.replaceAll('/', '\\/')}",status_class="2xx"`;
  return {
    rows: read('bento_batch_size_rows_sum', ofApi),
    batches: read('bento_batch_size_rows_count', ofApi),
    shed: read('bento_shed_total', ofApi),
    answers: read('bento_http_request_duration_seconds_count', answers),
    // Only exact when the bound is one of the histogram's bucket edges (1 s and 0.1 s are).
    answersWithinBound: read('bento_http_request_duration_seconds_bucket', `le="${boundSeconds}",${answers}`),
  };
}

/** % of the 2xx answers between two scrapes that the server sent within the bound. */
export function answersWithinBoundPct(before: BatchCounters, after: BatchCounters): number {
  const answers = after.answers - before.answers;
  return answers > 0 ? (100 * (after.answersWithinBound - before.answersWithinBound)) / answers : Number.NaN;
}

/** Mean rows per outbound batch between two scrapes. */
export function meanBatchSize(before: BatchCounters, after: BatchCounters): number {
  const batches = after.batches - before.batches;
  return batches > 0 ? (after.rows - before.rows) / batches : Number.NaN;
}
