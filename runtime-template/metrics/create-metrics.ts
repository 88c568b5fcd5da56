/**
 * The bento's Prometheus metrics, on a registry of its own (never prom-client's global one), so two apps in one
 * process (tests) do not collide. The batching series are fed by the dispatchers through `BatchObserver`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RuntimeMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  requestDuration: Histogram<'route' | 'status_class'>;
  modelExecution: Histogram<'model'>;
  batchSize: Histogram<'api'>;
  queueWait: Histogram<'api'>;
  dispatches: Counter<'api' | 'reason'>;
  shed: Counter<'api'>;
  estimatedBatchTime: Gauge<'api'>;
  requestsInFlight: Gauge<'api'>;
  /** The counter an API's route keeps for bento_requests_in_flight; the gauge reads it at scrape time. */
  trackInFlight(api: string): InFlightCount;
}

/** Requests of one API received and not yet answered. */
export interface InFlightCount {
  count: number;
}

/** What a dispatcher reports per outbound batch and per shed request; all times in seconds. */
export interface BatchObserver {
  observeBatch(rows: number, reason: string): void;
  observeQueueWait(seconds: number): void;
  observeShed(): void;
  setEstimatedBatchTime(seconds: number): void;
}

// Model calls range from tens of µs (tiny MLP) to seconds (big nets on CPU).
const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];

export function createMetrics(options: { defaultMetrics?: boolean } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const inFlight = new Map<string, InFlightCount>();
  return {
    registry,
    requests: new Counter({
      name: 'bento_http_requests_total',
      help: 'HTTP requests answered, by route, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'bento_http_request_duration_seconds',
      help: 'Time from request received to response sent, by route and status class (2xx, 4xx, 5xx)',
      labelNames: ['route', 'status_class'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    modelExecution: new Histogram({
      name: 'bento_model_execution_seconds',
      help: "Time inside onnxruntime's run() per call, by model",
      labelNames: ['model'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    batchSize: new Histogram({
      name: 'bento_batch_size_rows',
      help: 'Rows per outbound batch, by API',
      labelNames: ['api'],
      buckets: ROW_BUCKETS,
      registers,
    }),
    queueWait: new Histogram({
      name: 'bento_queue_wait_seconds',
      help: 'Time a request waited in the batcher before its batch was dispatched, by API',
      labelNames: ['api'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    dispatches: new Counter({
      name: 'bento_dispatch_total',
      help: 'Outbound batches, by API and the reason they were released',
      labelNames: ['api', 'reason'],
      registers,
    }),
    shed: new Counter({
      name: 'bento_shed_total',
      help: 'Requests refused with 503 because they could no longer meet the latency target, by API',
      labelNames: ['api'],
      registers,
    }),
    estimatedBatchTime: new Gauge({
      name: 'bento_estimated_batch_seconds',
      help: "The batcher's current estimate of one batch's execution time, by API",
      labelNames: ['api'],
      registers,
    }),
    // The per-pod load signal for autoscalers: unlike CPU, it rises as soon as requests queue for the model.
    requestsInFlight: new Gauge({
      name: 'bento_requests_in_flight',
      help: 'Requests received and not yet answered (queued or running), by API',
      labelNames: ['api'],
      registers,
      collect() {
        for (const [api, counter] of inFlight) this.set({ api }, counter.count);
      },
    }),
    trackInFlight(api) {
      // Registered at start-up, so the series reads 0 before the first request rather than being absent.
      const counter = { count: 0 };
      inFlight.set(api, counter);
      return counter;
    },
  };
}

/** The dispatcher-facing view of the batching metrics for one API. */
export function createBatchObserver(metrics: RuntimeMetrics, api: string): BatchObserver {
  return {
    observeBatch(rows, reason) {
      metrics.batchSize.observe({ api }, rows);
      metrics.dispatches.inc({ api, reason });
    },
    observeQueueWait: (seconds) => metrics.queueWait.observe({ api }, seconds),
    observeShed: () => metrics.shed.inc({ api }),
    setEstimatedBatchTime: (seconds) => metrics.estimatedBatchTime.set({ api }, seconds),
  };
}
