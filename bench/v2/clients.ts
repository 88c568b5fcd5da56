/**
 * One request function per transport, all with the same shape, so the load loop (load-loop.ts) treats native,
 * v2 REST and v2 gRPC alike. HTTP goes through an undici Pool (keep-alive, one connection per in-flight
 * request); gRPC through one @grpc/grpc-js channel (HTTP/2 multiplexing), as gRPC clients are used.
 */
import { credentials, loadPackageDefinition, type Client, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Pool } from 'undici';

/** Resolves true for a 2xx / OK answer. */
export type Send = () => Promise<boolean>;

export interface Transport {
  send: Send;
  close(): Promise<void>;
}

export function httpTransport(url: string, path: string, body: Buffer, headers: Record<string, string>, connections: number): Transport {
  const pool = new Pool(url, { connections, pipelining: 1 });
  return {
    send: async () => {
      const response = await pool.request({ method: 'POST', path, body, headers });
      await response.body.arrayBuffer();
      return response.statusCode === 200;
    },
    close: () => pool.close(),
  };
}

export function grpcTransport(port: number, protoPath: string, request: Record<string, unknown>): Transport {
  const definition = loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, defaults: true }));
  const Service = (definition.inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
  const client = new Service(`127.0.0.1:${port}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 << 20,
    'grpc.max_send_message_length': 64 << 20,
  }) as unknown as Client & { ModelInfer: Function };
  return {
    send: () => new Promise((resolve) => client.ModelInfer(request, (error: Error | null) => resolve(!error))),
    close: async () => client.close(),
  };
}

/** A v2 REST body with the binary tensor extension: JSON header, then the float32 bytes. */
export function binaryInferBody(name: string, shape: number[], values: Float32Array): { body: Buffer; headerLength: number } {
  const header = Buffer.from(JSON.stringify({ inputs: [{ name, datatype: 'FP32', shape, parameters: { binary_data_size: values.byteLength } }] }));
  return { body: Buffer.concat([header, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]), headerLength: header.byteLength };
}
