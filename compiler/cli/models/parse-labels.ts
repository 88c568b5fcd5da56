import { BentocError } from '../../diagnostics/index.js';
import { collectRepeated } from '../collect-repeated.js';

const keyPattern = /^[A-Za-z0-9_][A-Za-z0-9_.\/-]{0,62}$/;

/** Every `--label k=v` (citty keeps only the last of a repeated flag, so they are read from the raw args). */
export function parseLabels(rawArgs: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of collectRepeated(rawArgs, ['--label'])) {
    const eq = value.indexOf('=');
    const key = value.slice(0, eq);
    if (eq < 1 || !keyPattern.test(key) || /[\u0000-\u001f\u007f]/.test(value)) {
      throw new BentocError('bad_cli_input', `label \`${value}\` is not key=value`, { hint: 'e.g. --label stage=dev (keys: letters, digits, _ . / -)' });
    }
    labels[key] = value.slice(eq + 1);
  }
  return labels;
}
