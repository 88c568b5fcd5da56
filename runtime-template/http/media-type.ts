/** Content-Type matching for API routes (415 when nothing matches). */

/** The bare media type of a Content-Type header: lower case, parameters dropped. */
export function toMediaType(header: string | undefined): string {
  if (header === 'application/json') return header; // what nearly every client sends: no string work
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** True when `mediaType` is one of `accepted`, where `type/*` matches any subtype and the full wildcard anything. */
export function isAcceptedMediaType(mediaType: string, accepted: readonly string[]): boolean {
  return accepted.some((candidate) =>
    candidate === '*/*' ? true : candidate.endsWith('/*') ? mediaType.startsWith(candidate.slice(0, -1)) : candidate === mediaType,
  );
}

/** True when an API reads multipart uploads, so the app must register the multipart parser. */
export function acceptsMultipart(accepted: readonly string[]): boolean {
  return accepted.includes('multipart/form-data');
}
