import { createHash } from 'node:crypto';

/**
 * A bento name as a Kubernetes object name: an RFC 1035 label (what a Service needs, the strictest of the
 * objects written): lower-case letters, digits and `-`, starting with a letter, at most 63 characters.
 * `iris_classifier` → `iris-classifier`. A name that had to be cut keeps a short hash so two long names stay apart.
 */
export function toKubernetesName(name: string, maxLength = 63): string {
  let label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(label)) label = `bento-${label}`.replace(/-+$/, '');
  if (label.length <= maxLength) return label;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${label.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** A label value: at most 63 characters of `[A-Za-z0-9_.-]`, starting and ending alphanumeric (or empty). */
export function toLabelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
