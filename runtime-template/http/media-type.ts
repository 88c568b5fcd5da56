/** Content-Type matching for API routes (415 when nothing matches). */

/** The bare media type of a Content-Type header: lower case, parameters dropped. */
export function toMediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** True when `mediaType` is one of `accepted`, where an accepted `type/*` matches any subtype. */
export function isAcceptedMediaType(mediaType: string, accepted: readonly string[]): boolean {
  return accepted.some((candidate) =>
    candidate.endsWith('/*') ? mediaType.startsWith(candidate.slice(0, -1)) : candidate === mediaType,
  );
}
