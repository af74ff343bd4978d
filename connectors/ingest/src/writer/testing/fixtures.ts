import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '@plantgraph/db';
import type { DatapointRecord } from '../../records.ts';

async function insertId(sql: Sql, text: string, params: unknown[]): Promise<string> {
  const [row] = await sql.query<{ id: string }>(`${text} returning id`, params);
  if (!row) throw new Error(`no id from: ${text}`);
  return row.id;
}

/** Two machines with a few tags each, under a minimal hierarchy; returns their ids by name. */
export async function seedMachines(sql: Sql, site = 'Test Site') {
  const enterprise = await insertId(
    sql,
    `insert into asset (kind, name, path) values ('ENTERPRISE', $1, $1)`,
    [site],
  );
  const machines: Record<string, string> = {};
  const tags: Record<string, string> = {};
  for (const name of ['Press 1', 'Press 2']) {
    const machine = await insertId(
      sql,
      `insert into asset (parent_id, kind, name, path) values ($1, 'EQUIPMENT', $2, $3)`,
      [enterprise, name, `${site}/${name}`],
    );
    machines[name] = machine;
    for (const tag of ['Force', 'Speed', 'Program']) {
      tags[`${name}/${tag}`] = await insertId(
        sql,
        `insert into tag (asset_id, name, data_type) values ($1, $2, 'FLOAT')`,
        [machine, tag],
      );
    }
  }
  return { machines, tags };
}

/** Names for the records of writer tests: the writer stores by id and never reads them. */
export const TEST_PLACE = {
  tag: 'Test Tag',
  assetId: '00000000-0000-4000-8000-000000000000',
  assetPath: 'Test Site/Test Press',
};

/** `count` datapoints of one tag, one second apart from `start`. */
export function datapoints(tagId: string, count: number, start = Date.UTC(2026, 0, 1)) {
  return Array.from({ length: count }, (_, index): DatapointRecord => ({
    kind: 'datapoint',
    tagId,
    ...TEST_PLACE,
    time: new Date(start + index * 1000),
    value: index,
    text: null,
    quality: 'GOOD',
  }));
}

/** Resolves once `check` holds; fails after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A fresh temporary directory and its removal. */
export async function temporaryDirectory(prefix: string) {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
