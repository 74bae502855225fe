// `attain calc CASE.json`: prints the spec's result JSON for a calculation case.
import { parseCase, ValidationError } from '../engine/plan.ts';
import { calculate, toSpecResult } from '../engine/statement.ts';
import { CliError, readDocument } from './io.ts';

export const calcUsage = 'attain calc CASE.json|CASE.yaml   compute the statements of a plan case (prints JSON)';

export function runCalc(args: string[]): string {
  const file = args[0];
  if (!file || args.length > 1) throw new CliError(`usage: ${calcUsage}`, 2);
  const doc = readDocument(file);
  try {
    return JSON.stringify(toSpecResult(calculate(parseCase(doc))), null, 2);
  } catch (err) {
    if (err instanceof ValidationError) {
      throw new CliError(`${file} is not a valid case:\n${err.issues.map((i) => `  ${i.path || '(case)'}: ${i.message}`).join('\n')}`);
    }
    throw err;
  }
}
