/**
 * citty keeps only the last value of a repeated flag: read every occurrence (`--name value` or `--name=value`)
 * from the raw arguments. Stops at `--`; a trailing flag without a value is ignored.
 */
export function collectRepeated(rawArgs: string[], names: string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === '--') break;
    const name = names.find((n) => arg === n || arg.startsWith(`${n}=`));
    if (!name) continue;
    if (arg.length > name.length) values.push(arg.slice(name.length + 1));
    else if (i + 1 < rawArgs.length) values.push(rawArgs[++i]!);
  }
  return values;
}
