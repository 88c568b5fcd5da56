/**
 * Which API's pipeline serves a model's v2 inference: one that runs the model directly (no handler), an `ndarray`
 * one first (its input is the model's own tensors). One rule for the server and the OpenAPI the compiler writes.
 */
import type { ApiSpec } from '../contract.js';

export function pickServingApi<A extends Pick<ApiSpec, 'model' | 'handler' | 'input'>>(apis: readonly A[], model: string): A | undefined {
  const direct = apis.filter((api) => api.model === model && !api.handler);
  return direct.find((api) => api.input.type === 'ndarray') ?? direct[0];
}
