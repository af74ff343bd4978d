import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  insertConfigVersion,
  latestConfigVersion,
  latestConfigVersionNumber,
} from '@plantgraph/integration-domain';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';
import { configRole, parseConfigCommand, runConfigCommand } from './config-role.ts';

/**
 * `plantgraph config …` in-process against the test database: the role's commands with their
 * output and exit codes. The read commands work on versions stored through the domain.
 */

let database: TestDatabase;
let directory: string;

const FIRST = {
  connections: [{ kind: 'opcua', id: 'press-plc', endpoint: '${PRESS_PLC_URL}' }],
  templates: [{ id: 'press', tags: [{ tag: 'Motor Current', address: 'ns=2;s={prefix}.I' }] }],
  instances: [
    { template: 'press', asset: 'CLI Site/Press 01', connection: 'press-plc', prefix: 'P1' },
  ],
};
const SECOND = { ...FIRST, instances: [{ ...FIRST.instances[0], prefix: 'P01' }] };

/** Runs a command, collecting what it prints. */
async function config(...args: string[]) {
  const out: string[] = [];
  const error: string[] = [];
  const code = await runConfigCommand(database.sql, args, {
    out: (line) => out.push(line),
    error: (line) => error.push(line),
  });
  return { code, out, error };
}

beforeAll(async () => {
  database = await openTestDatabase();
  directory = await mkdtemp(join(tmpdir(), 'plantgraph-config-'));
  const [site] = await database.sql.query<{ id: string }>(
    `insert into asset (kind, name, path) values ('SITE', 'CLI Site', 'CLI Site') returning id`,
  );
  await database.sql.query(
    `insert into asset (parent_id, kind, name, path)
     values ($1, 'EQUIPMENT', 'Press 01', 'CLI Site/Press 01')`,
    [site!.id],
  );
});

afterAll(async () => {
  await database?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('plantgraph config, on stored versions', () => {
  beforeAll(async () => {
    for (const [document, comment] of [
      [FIRST, 'first'],
      [SECOND, 'renumbered'],
    ] as const) {
      await database.sql.transaction((tx) =>
        insertConfigVersion(tx, { document, comment, appliedBy: 'cli:ops@plant' }),
      );
    }
  });

  it('lists versions newest first', async () => {
    const { code, out } = await config('versions');
    expect(code).toBe(0);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^ {4}2 {2}\d{4}-\d\d-\d\dT\S+Z {2}cli:ops@plant {2}renumbered$/);
    expect(out[1]).toMatch(/^ {4}1 .* first$/);
    expect((await config('versions', '--first', '1')).out).toHaveLength(1);
  });

  it('exports a version as YAML, to standard output or a file', async () => {
    const current = await config('export');
    expect(current.code).toBe(0);
    expect(parse(current.out.join('\n'))).toEqual(SECOND);
    expect(current.out.join('\n')).toContain('endpoint: ${PRESS_PLC_URL}');
    const file = join(directory, 'first.yaml');
    const written = await config('export', '--version', '1', '-o', file);
    expect(written).toMatchObject({ code: 0, out: [`version 1 written to ${file}`] });
    expect(parse(await readFile(file, 'utf8'))).toEqual(FIRST);
  });

  it('compares two versions, the second defaulting to the current one', async () => {
    const expected = ['~ instances[0] press · CLI Site/Press 01'];
    expect(await config('diff', '1')).toEqual({ code: 0, out: expected, error: [] });
    expect((await config('diff', '2', '1')).out).toEqual(expected);
    expect((await config('diff', '2')).out).toEqual(['no changes from version 2 to 2']);
  });

  it.each([
    [['diff', '7'], 'from: there is no version 7'],
    [['export', '--version', '9'], '--version: there is no version 9'],
    [['rollback', '9'], 'rollback: there is no version 9'],
  ])('fails with exit code 1 for %j', async (args, message) => {
    expect(await config(...args)).toEqual({ code: 1, out: [], error: [message] });
  });

  it('fails with exit code 1 for a file it cannot read', async () => {
    const missing = join(directory, 'missing.yaml');
    const { code, error } = await config('apply', missing);
    expect(code).toBe(1);
    expect(error).toEqual([`${missing}: cannot read it (ENOENT)`]);
  });
});

describe('plantgraph config, its command line', () => {
  it.each([
    [[], /unknown command ""/],
    [['publish'], /unknown command "publish"/],
    [['apply'], /apply: the file to apply is required/],
    [['diff'], /from: a number is required/],
    [['diff', 'one'], /from: "one" is not a positive whole number/],
    [['rollback', '0'], /rollback: "0" is not a positive whole number/],
    [['export', '--version', '-1'], /--version/],
    [['versions', '--everything'], /--everything/],
  ])('refuses %j with the usage and exit code 2', async (args, message) => {
    const { code, error } = await config(...args);
    expect(code).toBe(2);
    expect(error[0]).toMatch(message);
    expect(error[1]).toMatch(/^usage: plantgraph config apply <file>/);
  });

  it('names the applier after the operating system user and host unless --by says', () => {
    const command = parseConfigCommand(['apply', 'plant.yaml', '-m', 'new press', '--dry-run']);
    expect(command).toMatchObject({ command: 'apply', dryRun: true, comment: 'new press' });
    expect((command as { appliedBy: string }).appliedBy).toMatch(/^cli:[^@]+@.+$/);
    expect(parseConfigCommand(['rollback', '3', '--by', 'maria'])).toEqual({
      command: 'rollback',
      version: 3,
      dryRun: false,
      comment: undefined,
      appliedBy: 'maria',
    });
  });

  it('checks the command line before it opens the database', async () => {
    // No server listens on port 1: reaching the database would fail differently.
    const code = await configRole.start({ DATABASE_URL: 'postgres://127.0.0.1:1/none' }, ['nope']);
    expect(code).toBe(2);
  });
});

/** Needs applyIntegrationConfig: applying writes versions, tags and lineage. */
describe('plantgraph config apply and rollback', () => {
  const press = (scale: number) => ({
    connections: [{ kind: 'opcua', id: 'press-plc', endpoint: 'opc.tcp://press-plc:4840' }],
    templates: [
      { id: 'press', tags: [{ tag: 'Motor Current', address: 'ns=2;s={prefix}.I', scale }] },
    ],
    instances: [
      { template: 'press', asset: 'CLI Site/Press 01', connection: 'press-plc', prefix: 'P1' },
    ],
  });

  it('prints the changes, the mapping counts and the stored version', async () => {
    const file = join(directory, 'plant.yaml');
    await writeFile(file, stringify(press(1)));
    const before = await latestConfigVersionNumber(database.sql);

    const dry = await config('apply', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.at(-1)).toBe('dry run: nothing stored');
    expect(await latestConfigVersionNumber(database.sql)).toBe(before);

    const applied = await config('apply', file, '-m', 'literal endpoint', '--by', 'maria');
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('~ connections[0] press-plc');
    // The counts depend on the stored version before, which the test wrote without lineage.
    expect(applied.out).toContainEqual(
      expect.stringMatching(/^mappings: \d+ added, \d+ removed, \d+ changed$/),
    );
    expect(applied.out.at(-1)).toBe(`stored version ${before + 1}`);
    expect(await latestConfigVersion(database.sql)).toMatchObject({
      version: before + 1,
      comment: 'literal endpoint',
      appliedBy: 'maria',
    });

    const again = await config('apply', file);
    expect(again.out.at(-1)).toBe(`unchanged: version ${before + 1} is current`);
  });

  it('rolls back to an earlier version with a comment saying so', async () => {
    const file = join(directory, 'scaled.yaml');
    await writeFile(file, stringify(press(0.1)));
    const scaled = await config('apply', file);
    expect(scaled.out).toContain('mappings: 0 added, 0 removed, 1 changed');
    const target = (await latestConfigVersionNumber(database.sql)) - 1;
    const { code, out } = await config('rollback', String(target));
    expect(code).toBe(0);
    expect(out).toContain('~ templates[0] press');
    expect((await latestConfigVersion(database.sql))?.comment).toBe(
      `rollback to version ${target}`,
    );
  });

  it('prints every problem of an invalid document and exits 1', async () => {
    const file = join(directory, 'broken.yaml');
    await writeFile(
      file,
      stringify({ ...press(1), instances: [{ ...press(1).instances[0], template: 'Press' }] }),
    );
    const before = await latestConfigVersionNumber(database.sql);
    const { code, error } = await config('apply', file);
    expect(code).toBe(1);
    expect(error).toContainEqual(expect.stringMatching(/instances\[0\]\.template: /));
    expect(error[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(error.at(-1)).toMatch(/problem\(s\); nothing stored$/);
    expect(await latestConfigVersionNumber(database.sql)).toBe(before);
  });
});
