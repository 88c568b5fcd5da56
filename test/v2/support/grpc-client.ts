/** A plain @grpc/grpc-js client of `inference.GRPCInferenceService`, compiled at run time from the bento's .proto. */
import { credentials, loadPackageDefinition, type Client, type GrpcObject, type Metadata, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { repoRoot } from '../../support/cli.js';

export const PROTO_PATH = join(repoRoot, 'runtime-template/v2/grpc_predict_v2.proto');

export type Unary = (request: Record<string, unknown>, options?: { deadline?: number }) => Promise<Record<string, any>>;

export interface InferenceClient {
  call(method: string, request: Record<string, unknown>): Promise<Record<string, any>>;
  close(): void;
}

/** `protoPath`: the copy a client would take from the bento (`proto/grpc_predict_v2.proto`). */
export function createInferenceClient(port: number, protoPath = PROTO_PATH): InferenceClient {
  // A client's own choices, deliberately not the server's: camelCase fields would work too.
  const definition = loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, defaults: true }));
  const Service = (definition.inference as GrpcObject).GRPCInferenceService as ServiceClientConstructor;
  const client = new Service(`127.0.0.1:${port}`, credentials.createInsecure()) as Client & Record<string, Function>;
  return {
    call: (method, request) =>
      new Promise((resolve, reject) => {
        client[method]!(request, (error: ServiceError | null, response: Record<string, any>) => (error ? reject(error) : resolve(response)));
      }),
    close: () => client.close(),
  };
}

/** The status a call failed with: code, message, the catalog code trailer. */
export async function failureOf(promise: Promise<unknown>): Promise<{ code: number; details: string; errorCode: string | undefined }> {
  try {
    await promise;
  } catch (error) {
    const { code, details, metadata } = error as ServiceError & { metadata: Metadata };
    return { code, details, errorCode: metadata?.get('bento-error-code')[0]?.toString() };
  }
  throw new Error('expected the call to fail');
}

export function float32Bytes(values: number[]): Buffer {
  return Buffer.from(Float32Array.from(values).buffer);
}
