import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirectoryInUseError } from './data-directory-lock.ts';
import { createEmbeddedSql } from './embedded-backend.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'plantgraph-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded backend', () => {
  it('persists under the data directory and admits one owner at a time', async () => {
    const first = await createEmbeddedSql(dataDir);
    await first.exec('create table kept (value int); insert into kept values (42);');
    await expect(createEmbeddedSql(dataDir)).rejects.toThrow(DataDirectoryInUseError);
    await expect(createEmbeddedSql(dataDir)).rejects.toThrow(/in use by process/);
    await first.close();

    const second = await createEmbeddedSql(dataDir);
    expect(await second.query('select value from kept')).toEqual([{ value: 42 }]);
    await second.close();
  });

  it('returns int8 and numeric as numbers and rolls back failed transactions', async () => {
    const sql = await createEmbeddedSql();
    const [row] = await sql.query('select count(*) as n, 1.5::numeric as x');
    expect(row).toEqual({ n: 1, x: 1.5 });
    await sql.exec('create table t (v int primary key)');
    await expect(
      sql.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        await tx.query('insert into t values (1)');
      }),
    ).rejects.toThrow();
    expect(await sql.query('select * from t')).toEqual([]);
    await sql.close();
  });
});
