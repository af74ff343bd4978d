import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '@plantgraph/testing';

/**
 * Guards prisma/schema.prisma against the SQL migrations: the migrations are the source of truth
 * for the database, the Prisma schema must describe exactly what they create.
 */

interface PrismaField {
  model: string;
  table: string;
  column: string;
  dataType: string;
  udtName?: string;
  nullable: boolean;
}

const scalarTypes: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  Json: 'jsonb',
  DateTime: 'timestamp(3) without time zone',
};

const nativeTypes: Record<string, string> = {
  Uuid: 'uuid',
  Timestamptz: 'timestamp with time zone',
  Text: 'text',
  Time: 'time without time zone',
};

/** Scalar lists are PostgreSQL arrays, told apart by the array type's udt_name. */
const arrayTypes: Record<string, string> = {
  Int: '_int4',
  String: '_text',
  Float: '_float8',
};

function parseSchema(source: string): PrismaField[] {
  const blocks = [...source.matchAll(/^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm)];
  const enums = new Map(
    blocks
      .filter(([, kind]) => kind === 'enum')
      .map(([, , name, body]) => [name!, /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!]),
  );
  const models = new Set(blocks.filter(([, kind]) => kind === 'model').map(([, , name]) => name!));
  return blocks
    .filter(([, kind]) => kind === 'model')
    .flatMap(([, , model, body]) => {
      const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!;
      return body!
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('//') && !line.startsWith('@@'))
        .map((line) => /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .filter(([, , type]) => !models.has(type!))
        .map(([, name, type, list, optional, attributes]) => {
          const column = /@map\("([^"]+)"\)/.exec(attributes!)?.[1] ?? name!;
          if (list) {
            return {
              model: model!,
              table,
              column,
              dataType: 'ARRAY',
              udtName: arrayTypes[type!]!,
              nullable: false,
            };
          }
          const native = /@db\.(\w+)/.exec(attributes!)?.[1];
          const enumName = enums.get(type!);
          return {
            model: model!,
            table,
            column,
            dataType: enumName
              ? 'USER-DEFINED'
              : native
                ? nativeTypes[native]!
                : scalarTypes[type!]!,
            ...(enumName ? { udtName: enumName } : {}),
            nullable: optional === '?',
          };
        });
    });
}

let database: TestDatabase;
const fields = parseSchema(
  readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8'),
);

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

describe('prisma/schema.prisma', () => {
  it('parses into fields for every model', () => {
    expect(new Set(fields.map((field) => field.model)).size).toBeGreaterThanOrEqual(7);
    expect(fields.find((field) => field.model === 'Asset' && field.column === 'parent_id')).toEqual(
      {
        model: 'Asset',
        table: 'asset',
        column: 'parent_id',
        dataType: 'uuid',
        nullable: true,
      },
    );
  });

  it('matches the migrated database: tables, columns, types and nullability', async () => {
    const tables = [...new Set(fields.map((field) => field.table))];
    const columns = await database.sql.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: 'YES' | 'NO';
      datetime_precision: number | null;
    }>(
      `select table_name, column_name, data_type, udt_name, is_nullable, datetime_precision
         from information_schema.columns
        where table_schema = current_schema() and table_name = any($1::text[])`,
      [tables],
    );
    const inDatabase = columns.map((column) => ({
      table: column.table_name,
      column: column.column_name,
      dataType:
        column.data_type === 'timestamp without time zone'
          ? `timestamp(${column.datetime_precision}) without time zone`
          : column.data_type,
      ...(column.data_type === 'USER-DEFINED' || column.data_type === 'ARRAY'
        ? { udtName: column.udt_name }
        : {}),
      nullable: column.is_nullable === 'YES',
    }));
    const inSchema = fields.map(({ model: _model, ...field }) => field);
    const byKey = (list: { table: string; column: string }[]) =>
      [...list].sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
    expect(byKey(inDatabase)).toEqual(byKey(inSchema));
  });
});
