import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { openDatabase, type Sql } from '@plantgraph/db';
import {
  applyIntegrationConfig,
  configVersion,
  describeConfigChange,
  diffConfigDocuments,
  InvalidConfigDocument,
  latestConfigVersion,
  latestConfigVersionNumber,
  listConfigVersions,
  type ApplyConfigInput,
  type ApplyConfigResult,
  type ConfigVersionSummary,
} from '@plantgraph/integration-domain';
import { callerDirectory, defineRole, requiredDatabaseUrl } from '@plantgraph/service';
import { processActor } from './config-source.ts';

const USAGE = [
  'config apply <file> [--dry-run] [-m|--comment <text>] [--by <name>]',
  'config export [--version <n>] [-o <file>]',
  'config versions [--first <n>]',
  'config diff <from> [<to>]',
  'config rollback <n> [-m|--comment <text>] [--dry-run] [--by <name>]',
].join(' | ');

/** Where the command writes: standard output and standard error by default, a buffer in tests. */
export interface ConfigCommandOutput {
  out(line: string): void;
  error(line: string): void;
}

const consoleOutput: ConfigCommandOutput = {
  out: (line) => console.log(line),
  error: (line) => console.error(line),
};

/** A mistake in the command line: printed with the usage, exit code 2. */
class UsageProblem extends Error {}

/** A command that cannot be carried out: printed, exit code 1. */
class CommandFailure extends Error {}

/** What applying takes from the command line, for `apply` and `rollback`. */
interface ApplyOptions {
  dryRun: boolean;
  comment: string | undefined;
  appliedBy: string;
}

/** A command line, checked before the database is opened. */
export type ConfigCommand =
  | ({ command: 'apply'; file: string } & ApplyOptions)
  | ({ command: 'rollback'; version: number } & ApplyOptions)
  | { command: 'export'; version: number | undefined; output: string | undefined }
  | { command: 'versions'; first: number }
  | { command: 'diff'; from: number; to: number | undefined };

function positiveInteger(value: string | undefined, argument: string): number {
  if (value === undefined) throw new UsageProblem(`${argument}: a number is required`);
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new UsageProblem(`${argument}: "${value}" is not a positive whole number`);
  }
  return Number(value);
}

/** Reads `config <command> …`; UsageProblem naming the argument for a mistake. */
export function parseConfigCommand(args: readonly string[]): ConfigCommand {
  const [command, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        comment: { type: 'string', short: 'm' },
        by: { type: 'string' },
        version: { type: 'string' },
        output: { type: 'string', short: 'o' },
        first: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageProblem((error as Error).message);
  }
  const { values, positionals } = parsed;
  const applying = (): ApplyOptions => ({
    dryRun: values['dry-run'] ?? false,
    comment: values.comment,
    appliedBy: values.by ?? commandLineActor(),
  });
  switch (command) {
    case 'apply': {
      const [file] = positionals;
      if (!file) throw new UsageProblem('apply: the file to apply is required');
      return { command, file, ...applying() };
    }
    case 'rollback':
      return { command, version: positiveInteger(positionals[0], 'rollback'), ...applying() };
    case 'export':
      return {
        command,
        version:
          values.version === undefined ? undefined : positiveInteger(values.version, '--version'),
        output: values.output,
      };
    case 'versions':
      return {
        command,
        first: values.first === undefined ? 20 : positiveInteger(values.first, '--first'),
      };
    case 'diff':
      return {
        command,
        from: positiveInteger(positionals[0], 'from'),
        to: positionals[1] === undefined ? undefined : positiveInteger(positionals[1], 'to'),
      };
    default:
      throw new UsageProblem(`unknown command "${command ?? ''}"`);
  }
}

/** Who applies from the command line when --by does not say: `cli:<os user>@<host>`. */
export function commandLineActor(): string {
  return processActor('cli');
}

const describeVersion = (version: ConfigVersionSummary) =>
  [
    String(version.version).padStart(5),
    version.appliedAt.toISOString(),
    version.appliedBy,
    version.comment,
  ].join('  ');

async function requireStored(sql: Sql, version: number, argument: string) {
  const found = await configVersion(sql, version);
  if (!found) throw new CommandFailure(`${argument}: there is no version ${version}`);
  return found;
}

function printResult(output: ConfigCommandOutput, result: ApplyConfigResult, dryRun: boolean) {
  for (const change of result.changes) output.out(describeConfigChange(change));
  const { added, removed, changed } = result.mappings;
  output.out(`mappings: ${added} added, ${removed} removed, ${changed} changed`);
  if (result.unchanged) output.out(`unchanged: version ${result.previousVersion} is current`);
  else if (dryRun || !result.version) output.out('dry run: nothing stored');
  else output.out(`stored version ${result.version.version}`);
}

/** Applies a document; every problem of an invalid one is printed, prefixed with `origin`. */
async function apply(
  sql: Sql,
  output: ConfigCommandOutput,
  origin: string,
  input: ApplyConfigInput,
): Promise<number> {
  try {
    const result = await applyIntegrationConfig(sql, input);
    printResult(output, result, input.dryRun);
    return 0;
  } catch (error) {
    if (!(error instanceof InvalidConfigDocument)) throw error;
    for (const problem of error.problems) output.error(`${origin}: ${problem}`);
    output.error(`${error.problems.length} problem(s); nothing stored`);
    return 1;
  }
}

async function applyFile(
  sql: Sql,
  output: ConfigCommandOutput,
  { file, dryRun, comment, appliedBy }: Extract<ConfigCommand, { command: 'apply' }>,
) {
  const path = resolve(callerDirectory(), file);
  const document = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CommandFailure(`${file}: cannot read it (${error.code ?? error.message})`);
  });
  return apply(sql, output, file, { document, dryRun, comment: comment ?? '', appliedBy });
}

async function rollback(
  sql: Sql,
  output: ConfigCommandOutput,
  { version, dryRun, comment, appliedBy }: Extract<ConfigCommand, { command: 'rollback' }>,
) {
  const stored = await requireStored(sql, version, 'rollback');
  return apply(sql, output, `version ${version}`, {
    document: JSON.stringify(stored.document),
    dryRun,
    comment: comment ?? `rollback to version ${version}`,
    appliedBy,
  });
}

async function exportVersion(
  sql: Sql,
  output: ConfigCommandOutput,
  command: Extract<ConfigCommand, { command: 'export' }>,
) {
  const stored =
    command.version === undefined
      ? await latestConfigVersion(sql)
      : await requireStored(sql, command.version, '--version');
  if (!stored) throw new CommandFailure('no configuration version is stored yet');
  const text = stringify(stored.document);
  if (command.output === undefined) output.out(text.trimEnd());
  else {
    await writeFile(resolve(callerDirectory(), command.output), text);
    output.out(`version ${stored.version} written to ${command.output}`);
  }
  return 0;
}

async function versions(sql: Sql, output: ConfigCommandOutput, first: number) {
  const listed = await listConfigVersions(sql, { limit: first });
  for (const version of listed) output.out(describeVersion(version));
  if (listed.length === 0) output.out('no configuration version is stored yet');
  return 0;
}

async function diff(sql: Sql, output: ConfigCommandOutput, from: number, to: number | undefined) {
  const newest = to ?? (await latestConfigVersionNumber(sql));
  const [before, after] = await Promise.all([
    requireStored(sql, from, 'from'),
    requireStored(sql, newest, 'to'),
  ]);
  const changes = diffConfigDocuments(before.document, after.document);
  for (const change of changes) output.out(describeConfigChange(change));
  if (changes.length === 0) output.out(`no changes from version ${from} to ${newest}`);
  return 0;
}

function run(sql: Sql, command: ConfigCommand, output: ConfigCommandOutput): Promise<number> {
  switch (command.command) {
    case 'apply':
      return applyFile(sql, output, command);
    case 'rollback':
      return rollback(sql, output, command);
    case 'export':
      return exportVersion(sql, output, command);
    case 'versions':
      return versions(sql, output, command.first);
    case 'diff':
      return diff(sql, output, command.from, command.to);
  }
}

/** Prints a usage mistake or a failed command and answers its exit code; rethrows the rest. */
function exitCodeOf(error: unknown, output: ConfigCommandOutput): number {
  if (error instanceof UsageProblem) {
    output.error(error.message);
    output.error(`usage: plantgraph ${USAGE}`);
    return 2;
  }
  if (error instanceof CommandFailure) {
    output.error(error.message);
    return 1;
  }
  throw error;
}

/**
 * Runs one `plantgraph config …` command against a database; the exit code: 0 done, 1 the
 * command failed (an invalid document, an unknown version), 2 a usage mistake.
 */
export async function runConfigCommand(
  sql: Sql,
  args: readonly string[],
  output: ConfigCommandOutput = consoleOutput,
): Promise<number> {
  try {
    return await run(sql, parseConfigCommand(args), output);
  } catch (error) {
    return exitCodeOf(error, output);
  }
}

/**
 * The versioned integration configuration from the command line: apply a file (or check it with
 * --dry-run), export a version as YAML, list versions, compare two, roll back to one. The command
 * line is checked before the database is opened.
 */
export const configRole = defineRole({
  name: 'config',
  usage: USAGE,
  environment: { DATABASE_URL: requiredDatabaseUrl() },
  async start(config, args) {
    let command: ConfigCommand;
    try {
      command = parseConfigCommand(args);
    } catch (error) {
      return exitCodeOf(error, consoleOutput);
    }
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: 'verify' });
    try {
      return await run(database.sql, command, consoleOutput);
    } catch (error) {
      return exitCodeOf(error, consoleOutput);
    } finally {
      await database.sql.close();
    }
  },
});
