import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { requireAccess } from '../auth/scopes.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';
import { checkDigest, checkKind, checkLabels, checkName } from '../names.js';
import { appendChunk, commitUpload, getUpload, startUpload } from '../registry/uploads.js';
import { principalOf } from './principal.js';

interface StartBody {
  version?: unknown;
  digest?: unknown;
  size?: unknown;
  labels?: unknown;
}

/**
 * The push protocol: POST …/uploads announces {version, digest, size} and answers where to resume; PATCH
 * /uploads/:id sends bytes from `Upload-Offset`; POST …/commit verifies and publishes.
 */
export function registerUploadRoutes(app: FastifyInstance, ctx: HubContext): void {
  // the body stays a stream: chunks go to disk as they arrive, never whole into memory
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post<{ Params: { kind: string; name: string }; Body: StartBody }>('/api/v1/:kind/:name/uploads', async (request, reply) => {
    const kind = checkKind(request.params.kind);
    const name = checkName(request.params.name, 'repository');
    const principal = principalOf(request);
    requireAccess(principal, 'write', kind, name);
    const body = request.body ?? {};
    const size = body.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) throw new HubError('bad_request', 'size must be the archive size in bytes');
    const state = await startUpload(ctx, principal, {
      kind,
      name,
      version: checkName(body.version, 'version'),
      digest: checkDigest(body.digest),
      size,
      labels: checkLabels(body.labels),
    });
    return reply.status(state.status === 'exists' ? 200 : 202).send(state);
  });

  const ownUpload = async (id: string, principal: ReturnType<typeof principalOf>) => {
    if (!/^[0-9a-f]{24}$/.test(id)) throw new HubError('not_found', `no upload \`${id.slice(0, 40)}\``);
    const upload = await getUpload(ctx, id);
    requireAccess(principal, 'write', upload.kind, upload.name);
    return upload;
  };

  app.get<{ Params: { id: string } }>('/api/v1/uploads/:id', async (request) => {
    const upload = await ownUpload(request.params.id, principalOf(request));
    return { id: upload.id, offset: upload.offset, size: upload.size, name: upload.name, version: upload.version };
  });

  app.patch<{ Params: { id: string } }>('/api/v1/uploads/:id', async (request) => {
    await ownUpload(request.params.id, principalOf(request));
    const offset = Number(request.headers['upload-offset']);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new HubError('bad_request', 'send the Upload-Offset header: the byte this chunk starts at');
    if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw new HubError('bad_request', 'chunks are sent as application/octet-stream');
    const end = await appendChunk(ctx, request.params.id, offset, request.body as Readable);
    return { offset: end };
  });

  app.post<{ Params: { id: string } }>('/api/v1/uploads/:id/commit', async (request) => {
    const principal = principalOf(request);
    await ownUpload(request.params.id, principal);
    return { status: 'committed', version: await commitUpload(ctx, principal, request.params.id) };
  });
}
