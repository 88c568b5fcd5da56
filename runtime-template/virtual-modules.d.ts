/** Modules the compiler generates at bundle time (see compiler/phases/4-generate/bundle-server.ts). */

declare module 'bento:config' {
  const config: import('./contract.js').RuntimeConfig;
  export default config;
}

declare module 'bento:handlers' {
  /** Keyed by `ApiSpec.handler`. A batched API's handler receives an array of inputs and returns an array. */
  export const handlers: Record<
    string,
    (input: unknown, context: import('./contract.js').HandlerContext) => unknown
  >;
}
