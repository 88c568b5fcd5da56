/**
 * `inference.GRPCInferenceService` on its own port (`runtime.grpc_port`), over the same inference service as the
 * v2 REST routes: the same dispatchers, checks and limits. Each call is counted in the HTTP request metrics under
 * its method path (`/inference.GRPCInferenceService/ModelInfer`, method `GRPC`) with the HTTP status it maps to.
 */
import { Server, ServerCredentials, loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { isServerFault, toApiError } from '../http/error-handling.js';
import type { RuntimeMetrics } from '../metrics/create-metrics.js';
import { decodeModelInferRequest, encodeModelInferResponse, type ModelInferRequest } from './grpc-infer-message.js';
import { toGrpcError } from './grpc-status.js';
import { V2_EXTENSIONS, type InferenceService } from './inference-service.js';
import { submitWithDeadline } from './submit-with-deadline.js';

export interface GrpcServerOptions {
  service: InferenceService;
  /** The bento's copy of grpc_predict_v2.proto. */
  protoPath: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  requestTimeoutMs: number;
  /** Largest accepted message, as for HTTP bodies. */
  bodyLimitBytes: number;
  metrics: RuntimeMetrics;
  logger?: Logger;
}

export interface RunningGrpcServer {
  port: number;
  /** Stops taking calls and resolves once the calls in flight are answered. */
  drain(): Promise<void>;
}

/** Field names as in the .proto (snake_case), int64 as exact decimal strings. */
export const PROTO_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

type Unary = (call: ServerUnaryCall<Record<string, unknown>, unknown>) => Promise<unknown>;

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { service } = options;
  const definition = loadPackageDefinition(loadSync(options.protoPath, PROTO_LOADER_OPTIONS));
  const grpcService = ((definition.inference as GrpcObject).GRPCInferenceService as unknown as { service: ServiceDefinition }).service;
  const server = new Server({ 'grpc.max_receive_message_length': options.bodyLimitBytes });

  const methods: Record<string, Unary> = {
    ServerLive: async () => ({ live: true }),
    ServerReady: async () => ({ ready: service.isReady() }),
    ModelReady: async ({ request }) => {
      const model = service.findModel(String(request.name), String(request.version ?? ''));
      return { ready: service.isReady() && model.pipeline !== undefined };
    },
    ServerMetadata: async () => ({ name: service.name, version: service.version, extensions: V2_EXTENSIONS }),
    ModelMetadata: async ({ request }) => service.modelMetadata(service.findModel(String(request.name), String(request.version ?? ''))),
    ModelInfer: async (call) => {
      const receivedAt = performance.now();
      const message = call.request as unknown as ModelInferRequest;
      const model = service.findModel(message.model_name, message.model_version);
      const refusal = service.refuseEarly(model);
      if (refusal) throw refusal;
      const decoded = decodeModelInferRequest(message);
      const result = await submitWithDeadline((signal) => service.infer(model, decoded, signal, receivedAt), timeoutOf(call, options.requestTimeoutMs), (abort) => {
        call.once('cancelled', abort);
        return () => call.off('cancelled', abort);
      });
      return encodeModelInferResponse(result, decoded.raw);
    },
  };
  const implementation = Object.fromEntries(Object.entries(methods).map(([name, method]) => [name, wrap(name, method, options)]));
  server.addService(grpcService, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${formatHost(options.host)}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(withListenCode(error)) : resolve(bound)));
  });
  return {
    port,
    drain: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * grpc-js reports a busy or forbidden port as a plain Error ("No address added … [listen EADDRINUSE: …]"): give it
 * the errno code, so start-up says what to fix as it does for the HTTP port.
 */
function withListenCode(error: Error): Error {
  const code = /\b(EADDRINUSE|EACCES)\b/.exec(error.message)?.[1];
  return code ? Object.assign(error, { code, grpc: true }) : error;
}

/** Runs a method, maps what it throws to a status, and records it like an HTTP request. */
function wrap(name: string, method: Unary, { metrics, logger, bodyLimitBytes }: GrpcServerOptions) {
  const route = `/inference.GRPCInferenceService/${name}`;
  return (call: ServerUnaryCall<Record<string, unknown>, unknown>, callback: sendUnaryData<unknown>) => {
    const started = performance.now();
    const finish = (status: number) => {
      metrics.requests.inc({ route, method: 'GRPC', status });
      metrics.requestDuration.observe({ route, status_class: `${Math.floor(status / 100)}xx` }, (performance.now() - started) / 1000);
    };
    method(call).then(
      (response) => {
        finish(200);
        callback(null, response);
      },
      (error: unknown) => {
        const apiError = toApiError(error, bodyLimitBytes);
        if (isServerFault(apiError)) logger?.error({ err: apiError.cause ?? error, code: apiError.code, route }, apiError.message);
        else if (apiError.statusCode !== 503) logger?.info({ route, status: apiError.statusCode, code: apiError.code }, 'grpc request');
        finish(apiError.statusCode);
        callback(toGrpcError(apiError));
      },
    );
  };
}

/** The client's deadline, when sooner than the server's own request budget. */
function timeoutOf(call: ServerUnaryCall<unknown, unknown>, requestTimeoutMs: number): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  if (!Number.isFinite(at)) return requestTimeoutMs;
  return Math.max(1, Math.min(requestTimeoutMs, at - Date.now()));
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
