import { describeEnvironment, exitOnStartupError, runRole } from '@plantgraph/service';
import { ROLES, UsageError, type RoleEntry } from './roles.ts';

/**
 * `plantgraph <role> [arguments]`: one command line for every process of a deployment, each role
 * with its own validated environment. `plantgraph --help` lists the roles, `plantgraph <role>
 * --help` the role's variables with their defaults.
 */
const HELP = new Set(['--help', '-h', 'help']);

function overview(): string {
  const width = Math.max(...Object.keys(ROLES).map((name) => name.length));
  const lines = Object.entries(ROLES).map(
    ([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`,
  );
  return [
    'usage: plantgraph <role> [arguments]',
    '',
    'roles:',
    ...lines,
    '',
    "plantgraph <role> --help lists the role's environment variables.",
  ].join('\n');
}

/** Missing modules of the plant bundle mean an image built without it. */
function notInThisImage(error: unknown, role: string): Error | undefined {
  const code = (error as { code?: string } | undefined)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' || !['demo', 'simulator', 'seed'].includes(role)) return;
  return new UsageError(
    `The ${role} role is not part of this build: the production image carries no demo code. ` +
      'Use the plant image (Dockerfile target "plant") or the repository.',
  );
}

async function roleHelp(name: string, entry: RoleEntry, args: string[]): Promise<string> {
  const role = await entry.load(args.length > 0 ? args : ['assets']);
  const usage = role.usage ?? `${name}${entry.arguments ? ` ${entry.arguments}` : ''}`;
  return [
    `usage: plantgraph ${usage}`,
    '',
    entry.summary,
    '',
    'environment:',
    ...describeEnvironment(role.environment),
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || HELP.has(name)) {
    console.log(overview());
    return;
  }
  const entry = ROLES[name];
  if (!entry) throw new UsageError(`unknown role "${name}"\n\n${overview()}`);
  const args = rest.filter((arg) => !HELP.has(arg));
  try {
    if (args.length < rest.length) {
      console.log(await roleHelp(name, entry, args));
      return;
    }
    await runRole(await entry.load(args), args.slice(entry.consumes ?? 0));
  } catch (error) {
    throw notInThisImage(error, name) ?? error;
  }
}

await main(process.argv.slice(2)).catch(exitOnStartupError);
