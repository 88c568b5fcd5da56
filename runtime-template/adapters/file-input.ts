/**
 * `file` input (handler APIs): any bytes, as a multipart upload (the first file part) or as the raw body of any
 * Content-Type. The handler receives a `FileValue`: `{data: Buffer, mediaType, filename?}`.
 */
import type { FileValue } from '../contract.js';
import { errors } from '../errors.js';
import type { InputAdapter } from './types.js';
import { readUploadedFiles } from './uploaded-files.js';

export function createFileInput(): InputAdapter {
  return {
    // multipart listed first so the app registers its parser; anything else arrives as raw bytes.
    mediaTypes: ['multipart/form-data', '*/*'],
    async parse(body, mediaType) {
      if (mediaType === 'multipart/form-data') {
        const [file] = await readUploadedFiles(body);
        if (!file) throw errors.invalidInput('body', 'a form with a file part', 'a form without files');
        const value: FileValue = { data: file.data, mediaType: file.mediaType, ...(file.filename ? { filename: file.filename } : {}) };
        return { value, rows: 1 };
      }
      // JSON and text bodies were parsed on the way in; the handler still gets their bytes.
      const data = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? null));
      if (data.length === 0) throw errors.emptyBody();
      const value: FileValue = { data, mediaType: mediaType || 'application/octet-stream' };
      return { value, rows: 1 };
    },
  };
}
