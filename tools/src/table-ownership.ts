import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * Which module owns which table: the only place whose SQL may read or write it. Everything else
 * calls that module. Owners are folder prefixes of the repository.
 */
export const TABLE_OWNERS: Record<string, readonly string[]> = {
  asset: ['domains/assets/'],
  tag: ['domains/assets/'],
  datapoint: ['domains/timeseries/'],
  machine_state: ['domains/timeseries/'],
  counter_increment: ['domains/timeseries/'],
  counter_total: ['domains/timeseries/'],
  connection_status: ['domains/timeseries/'],
  dead_letter: ['domains/timeseries/'],
  shift: ['domains/timeseries/'],
  ideal_cycle_time: ['domains/timeseries/'],
  production_order: ['domains/orders/'],
  production_order_status_change: ['domains/orders/'],
  production_order_parameter: ['domains/orders/'],
  download_target: ['domains/orders/'],
  download_command: ['domains/orders/'],
  quality_characteristic: ['domains/quality/'],
  measurement: ['domains/quality/'],
  alarm_event: ['domains/alarms/'],
  integration_config_version: ['domains/integration/'],
  tag_mapping_lineage: ['domains/integration/'],
  api_key: ['packages/auth/'],
  // The append-only audit trail: every domain appends, through the db kit's one writer.
  audit_log: ['packages/db/'],
};

/** Source files whose SQL is checked: hand-written, non-test TypeScript that runs in a process. */
export function sourceFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file.length > 0 && existsSync(join(root, file)))
    .filter(
      (file) =>
        !/(\.test\.ts|\/testing\/|\/generated\/|^test\/|^bench\/|^docs\/|^tools\/)/.test(file),
    )
    .filter((file) => !file.startsWith('demo/src/seed'))
    .filter((file) => !file.startsWith('prisma/'));
}

/**
 * SQL mentions of a table: from/join/into/update/copy/table followed by its name, or the name
 * handed to the bulk loader or the scoped-row check, which take tables by name.
 */
const mention = (table: string) =>
  new RegExp(
    `\\b(?:from|join|into|update|copy|table)\\s+${table}\\b|` +
      `(?:bulkInsert|bulkLoad|RowInScope)\\([^)]*['"]${table}['"]`,
    'i',
  );

/** Each file's tables outside its ownership, `file → tables`. */
export function tablesOutsideOwners(root: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    const foreign = Object.entries(TABLE_OWNERS)
      .filter(
        ([table, owners]) => mention(table).test(text) && !owners.some((o) => file.startsWith(o)),
      )
      .map(([table]) => table)
      .sort();
    if (foreign.length > 0) result.set(file, foreign);
  }
  return result;
}
