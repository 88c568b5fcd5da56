/** The files of a multipart body as @fastify/multipart attaches them (`attachFieldsToBody: true`), in form order. */
import type { FileValue } from '../contract.js';

export interface UploadedFile extends FileValue {
  /** The form field's name, for error messages (`image`, `files[1]`). */
  field: string;
}

interface MultipartPart {
  type: 'file' | 'field';
  fieldname: string;
  filename?: string;
  mimetype?: string;
  toBuffer?: () => Promise<Buffer>;
}

export async function readUploadedFiles(body: unknown): Promise<UploadedFile[]> {
  if (body === null || typeof body !== 'object') return [];
  const files: UploadedFile[] = [];
  for (const [name, value] of Object.entries(body as Record<string, MultipartPart | MultipartPart[]>)) {
    const parts = Array.isArray(value) ? value : [value];
    for (const [index, part] of parts.entries()) {
      if (part?.type !== 'file' || !part.toBuffer) continue;
      files.push({
        field: parts.length > 1 ? `${name}[${index}]` : name,
        data: await part.toBuffer(),
        mediaType: part.mimetype ?? 'application/octet-stream',
        ...(part.filename ? { filename: part.filename } : {}),
      });
    }
  }
  return files;
}
