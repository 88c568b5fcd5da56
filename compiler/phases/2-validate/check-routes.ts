import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { DocPath, LoadedBentofile } from '../1-load/load-bentofile.js';

/** Routes every bento serves itself (runtime-template/http), and what each one is, for the message. */
const builtInRoutes: Record<string, string> = {
  '/': 'the Swagger UI page',
  '/metrics': 'Prometheus metrics',
  '/healthz': 'a health probe',
  '/livez': 'the liveness probe',
  '/readyz': 'the readiness probe',
  '/docs.json': 'the OpenAPI document',
  '/openapi.json': 'the OpenAPI document',
};

/** Route prefixes the server owns: Swagger UI's assets, and the Open Inference Protocol (KServe v2). */
const builtInPrefixes: Record<string, string> = {
  '/static': 'static files (Swagger UI)',
  '/v2': 'the Open Inference Protocol (KServe v2)',
};

export interface RoutedApi {
  name: string;
  route: string;
  /** Where to point: the `route:` value, or the name when the route is the default `/<name>`. */
  at: DocPath;
}

/** Refuses API routes that collide with a built-in route or with each other. */
export function checkRoutes(apis: RoutedApi[], loaded: LoadedBentofile, bag: DiagnosticBag): void {
  const seen = new Map<string, string>();
  for (const api of apis) {
    const span = loaded.locate(api.at);
    const owner = builtInOwner(api.route);
    if (owner) bag.report('reserved_route', span, api.route, api.name, owner, builtInOwner(`/${api.name}`) ? `/api/${api.name}` : `/${api.name}`);
    const first = seen.get(api.route);
    if (first === undefined) seen.set(api.route, api.name);
    else
      bag.report('duplicate_route', span, first, api.name, api.route);
  }
}

/** What a route collides with, if anything; a trailing slash or a different case still reaches the built-in one. */
function builtInOwner(route: string): string | undefined {
  const normal = route.length > 1 ? route.replace(/\/+$/, '').toLowerCase() : route;
  if (builtInRoutes[normal]) return builtInRoutes[normal];
  for (const [prefix, owner] of Object.entries(builtInPrefixes)) {
    if (normal === prefix || normal.startsWith(`${prefix}/`)) return owner;
  }
  return undefined;
}
