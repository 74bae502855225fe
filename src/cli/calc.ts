// `attain calc CASE.json`: prints the spec's result JSON for a calculation case.
import { parseCase, ValidationError } from '../engine/plan.ts';
import { calculate, toSpecResult } from '../engine/statement.ts';
import { CliError, readDocument } from './io.ts';



export function runCalc(args: string[]): string {
  const file = args[0];
  if (!file || args.length > 1) throw new CliError('usage: attain calc CASE.json', 2);
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
