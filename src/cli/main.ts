// The `attain` command line. Each command lives in its own file; this one dispatches and
// turns expected failures into one clear line on stderr and a non-zero exit.
import { calcUsage, runCalc } from './calc.ts';
import { CliError } from './io.ts';

interface Command {
  usage: string;
  run: (args: string[]) => Promise<string | void> | string | void;
}

const commands: Record<string, Command> = {
  calc: { usage: calcUsage, run: runCalc },
};

function help(): string {
  return ['attain: sales performance management with an exact comp engine', '', 'commands:', ...Object.values(commands).map((c) => `  ${c.usage}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`attain: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  try {
    const out = await command.run(args);
    if (typeof out === 'string' && out.length > 0) process.stdout.write(out.endsWith('\n') ? out : out + '\n');
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`attain ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    // A bug: say so plainly; the stack goes only where the user asked for it.
    process.stderr.write(`attain ${name}: internal error: ${(err as Error).message ?? String(err)}\n`);
    if (process.env.ATTAIN_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 70;
  }
}
