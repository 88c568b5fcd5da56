/** onnxruntime session settings and the execution-provider fallback order for `runtime.device`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeSettings } from '../contract.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'webgpu';

/**
 * Providers to try, best first. onnxruntime throws when a requested provider is missing instead of falling back,
 * so the worker walks this list itself and logs each step down.
 */
export function listProviderCandidates(device: RuntimeSettings['device'], cudaInstalled: boolean): ExecutionProvider[] {
  switch (device) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return ['cuda', 'cpu'];
    case 'webgpu':
      return ['webgpu', 'cpu'];
    case 'auto':
      // WebGPU is left out of `auto`: on a GPU-less server its adapter probing is slow and it rarely beats CPU there.
      // CUDA is tried only where its provider library is installed (the GPU image), so a CPU host starts quietly.
      return cudaInstalled ? ['cuda', 'cpu'] : ['cpu'];
  }
}

export interface SessionOptionsInput {
  provider: ExecutionProvider;
  /** Intra-op threads; 0 lets onnxruntime pick (one per core). */
  threads: number;
}

/** Options for `InferenceSession.create`; `extra` keys are flattened by the Node binding to `session.intra_op.…`. */
export function createSessionOptions({ provider, threads }: SessionOptionsInput): Record<string, unknown> {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(threads > 0 ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    // Idle intra-op threads spin by default and burn about a core at low request rates.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/** The CUDA provider ships separately from onnxruntime-node's npm package; the GPU image installs it beside the binding. */
export function isCudaProviderInstalled(bindingDir: string): boolean {
  return existsSync(join(bindingDir, 'libonnxruntime_providers_cuda.so'));
}
