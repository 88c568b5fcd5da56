/**
 * A PEP 508 dependency specifier parser (https://peps.python.org/pep-0508/), strict enough to refuse what pip
 * would refuse or misread (`numpy===`, `-r other.txt`, `torch --index-url …`), with PEP 440 versions.
 */
export interface Pep508Requirement {
  name: string;
  extras: string[];
  /** `>=1,<2` as written, without spaces; empty when any version goes. */
  specifier: string;
  url?: string;
  marker?: string;
}

export type Pep508Result = { ok: true; requirement: Pep508Requirement } | { ok: false; reason: string; offset: number };

const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y;
const IDENTIFIER = NAME;
const OPERATOR = /===|==|!=|<=|>=|~=|<|>/y;
const VERSION_TEXT = /[A-Za-z0-9_.*+!-]+/y;
const PEP440 =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:(?:-\d+)|(?:[-_.]?(?:post|rev|r)[-_.]?\d*))?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;
const MARKER_VARIABLES = new Set([
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system',
  'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name',
  'implementation_version', 'extra', 'os.name', 'sys.platform', 'platform.version', 'platform.machine',
  'platform.python_implementation', 'python_implementation',
]);

class Failure {
  constructor(readonly reason: string, readonly offset: number) {}
}

export function parsePep508(text: string): Pep508Result {
  const cursor = { text, at: 0 };
  try {
    return { ok: true, requirement: parseRequirement(cursor) };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, reason: error.reason, offset: error.offset };
    throw error;
  }
}

interface Cursor {
  text: string;
  at: number;
}

function parseRequirement(c: Cursor): Pep508Requirement {
  skipSpace(c);
  if (c.text[c.at] === '-') fail(c, 'pip options (`-r`, `-e`, `--index-url` …) are not requirements');
  const name = expect(c, NAME, 'a distribution name (letters, digits, `.`, `_`, `-`)');
  skipSpace(c);
  const extras: string[] = [];
  if (eat(c, '[')) {
    skipSpace(c);
    while (!eat(c, ']')) {
      if (extras.length > 0 && !eat(c, ',')) fail(c, 'extras are separated by `,` and closed by `]`');
      skipSpace(c);
      extras.push(expect(c, IDENTIFIER, 'an extra name'));
      skipSpace(c);
    }
    skipSpace(c);
  }
  let specifier = '';
  let url: string | undefined;
  if (eat(c, '@')) {
    skipSpace(c);
    const match = /\S+/y;
    match.lastIndex = c.at;
    const found = match.exec(c.text);
    if (!found || !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(found[0])) fail(c, 'a URL follows `@` (e.g. `https://…/pkg.whl`)');
    url = found![0];
    c.at += url.length;
    if (c.at < c.text.length && !/\s/.test(c.text[c.at]!)) fail(c, 'a space separates the URL from `;`');
  } else {
    specifier = parseSpecifier(c);
  }
  skipSpace(c);
  let marker: string | undefined;
  if (eat(c, ';')) {
    const start = c.at;
    parseMarkerOr(c);
    marker = c.text.slice(start).trim();
  }
  skipSpace(c);
  if (c.at < c.text.length) fail(c, `unexpected \`${c.text.slice(c.at, c.at + 12)}\``);
  return { name, extras, specifier, ...(url ? { url } : {}), ...(marker ? { marker } : {}) };
}

function parseSpecifier(c: Cursor): string {
  const parenthesised = eat(c, '(');
  const parts: string[] = [];
  for (;;) {
    skipSpace(c);
    const op = match(c, OPERATOR);
    if (!op) {
      if (parts.length === 0 && !parenthesised) return '';
      fail(c, 'a version comparison (`==`, `>=`, `<`, `~=`, `!=` …) comes here');
    }
    skipSpace(c);
    const start = c.at;
    const version = expect(c, VERSION_TEXT, `a version after \`${op}\``);
    const wildcard = (op === '==' || op === '!=') && version.endsWith('.*');
    if (op !== '===' && !PEP440.test(wildcard ? version.slice(0, -2) : version)) {
      throw new Failure(`\`${version}\` is not a PEP 440 version`, start);
    }
    parts.push(`${op}${version}`);
    skipSpace(c);
    if (!eat(c, ',')) break;
  }
  if (parenthesised && !eat(c, ')')) fail(c, 'a `)` closes the version list');
  return parts.join(',');
}

function parseMarkerOr(c: Cursor): void {
  parseMarkerAnd(c);
  while (eatWord(c, 'or')) parseMarkerAnd(c);
}

function parseMarkerAnd(c: Cursor): void {
  parseMarkerExpression(c);
  while (eatWord(c, 'and')) parseMarkerExpression(c);
}

function parseMarkerExpression(c: Cursor): void {
  skipSpace(c);
  if (eat(c, '(')) {
    parseMarkerOr(c);
    skipSpace(c);
    if (!eat(c, ')')) fail(c, 'a `)` closes the marker group');
    return;
  }
  parseMarkerValue(c);
  skipSpace(c);
  if (!match(c, OPERATOR) && !eatWord(c, 'in') && !(eatWord(c, 'not') && eatWord(c, 'in'))) {
    fail(c, 'a marker compares with `==`, `!=`, `<`, `>=`, `in`, `not in` …');
  }
  parseMarkerValue(c);
}

function parseMarkerValue(c: Cursor): void {
  skipSpace(c);
  const quote = c.text[c.at];
  if (quote === '"' || quote === "'") {
    const end = c.text.indexOf(quote, c.at + 1);
    if (end < 0) fail(c, 'a quoted string is not closed');
    c.at = end + 1;
    return;
  }
  const start = c.at;
  const variable = match(c, /[a-z_.]+/y);
  if (!variable || !MARKER_VARIABLES.has(variable)) {
    throw new Failure(variable ? `\`${variable}\` is not a marker variable (python_version, sys_platform, …)` : 'a marker variable or a quoted string comes here', start);
  }
}

function skipSpace(c: Cursor): void {
  while (c.text[c.at] === ' ' || c.text[c.at] === '\t') c.at++;
}

function eat(c: Cursor, token: string): boolean {
  if (!c.text.startsWith(token, c.at)) return false;
  c.at += token.length;
  return true;
}

function eatWord(c: Cursor, word: string): boolean {
  skipSpace(c);
  const after = c.text[c.at + word.length];
  if (!c.text.startsWith(word, c.at) || (after !== undefined && /[A-Za-z0-9_]/.test(after))) return false;
  c.at += word.length;
  return true;
}

function match(c: Cursor, pattern: RegExp): string | undefined {
  pattern.lastIndex = c.at;
  const found = pattern.exec(c.text);
  if (!found) return undefined;
  c.at += found[0].length;
  return found[0];
}

function expect(c: Cursor, pattern: RegExp, what: string): string {
  return match(c, pattern) ?? fail(c, `expected ${what}`);
}

function fail(c: Cursor, reason: string): never {
  throw new Failure(reason, c.at);
}
