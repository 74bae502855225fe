// The `attain` command line. Each command lives in its own file and is loaded only when
// run (so `attain calc` does not load the database or the MCP SDK); this file dispatches
// and turns expected failures into one clear line on stderr and a non-zero exit.
import { CliError } from './io.ts';

type Run = (args: string[]) => Promise<string | void> | string | void;

interface Command {
  usage: string;
  load: () => Promise<Run>;
}

const commands: Record<string, Command> = {
  calc: {
    usage: 'attain calc CASE.json|CASE.yaml   compute the statements of a plan case (prints JSON)',
    load: async () => (await import('./calc.ts')).runCalc,
  },
  demo: {
    usage: 'attain demo [--db PATH]   (re)create the demo company database and print a tour',
    load: async () => (await import('./demo.ts')).runDemo,
  },
  tools: {
    usage: 'attain tools   list the tools with their descriptions',
    load: async () => (await import('./tool.ts')).runTools,
  },
  tool: {
    usage: "attain tool NAME --as USER_ID [--input '{json}'] [--db PATH]   run a tool as a user (prints JSON)",
    load: async () => (await import('./tool.ts')).runToolCommand,
  },
  import: {
    usage: 'attain import deals|users|quotas|credits|activities FILE.csv [--mapping salesforce|hubspot|PATH] [--db PATH] [--snapshot-at T] [--dry-run] | import plans FILE | import maven [--db PATH]   import CRM exports (all or nothing)',
    load: async () => (await import('./import.ts')).runImport,
  },
  mcp: {
    usage: 'attain mcp --as USER_ID [--db PATH] | mcp --http [--port N] [--host H] [--db PATH]   serve the tools over MCP (stdio as one user, or HTTP with bearer tokens)',
    load: async () => (await import('./mcp.ts')).runMcp,
  },
  token: {
    usage: 'attain token create --user ID [--label L] | token revoke TOKEN_ID | token list [--user ID]   bearer tokens for `attain mcp --http`',
    load: async () => (await import('./token.ts')).runToken,
  },
  chat: {
    usage: 'attain chat --as USER_ID [--db PATH] [--thread ID] [QUESTION]   talk with the attain agent (needs a model: OPENAI_API_KEY / OPENAI_BASE_URL, ATTAIN_MODEL)',
    load: async () => (await import('./chat.ts')).runChat,
  },
  slack: {
    usage: 'attain slack [--db PATH] [--port N] | slack link USER_ID SLACK_USER_ID   run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP with SLACK_SIGNING_SECRET), or link a user to Slack; see docs/slack.md',
    load: async () => (await import('./slack.ts')).runSlack,
  },
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
    const run = await command.load();
    const out = await run(args);
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
