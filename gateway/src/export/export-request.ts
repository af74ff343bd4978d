import {
  BadUserInputError,
  checkTimeWindow,
  DateTime,
  parseId,
  parseIdList,
} from '@plantgraph/graph';
import { isEnumType, type GraphQLSchema } from 'graphql';

/** The text formats `/export` writes, a row a line. */
export type TextFormat = 'csv' | 'ndjson';

/** The columnar formats `/export` writes, a batch of rows at a time. */
export type ColumnarFormat = 'parquet' | 'arrow';

/** The file formats `/export` writes. */
export type ExportFormat = TextFormat | ColumnarFormat;

/** Which tags to export: listed ones in this order, or those under an asset by path and name. */
export type TagSelection = { tagIds: string[] } | { under: string; tagName: string | null };

/** The statistics of an aggregated export, passed to `timeseriesFrame` as they are. */
export interface AggregateSpec {
  interval: string;
  functions: string[];
  fill: string;
  timezone: string;
  includeBadQuality: boolean;
}

/** A checked `GET /export` query. */
export interface ExportRequest {
  tags: TagSelection;
  /** Window [from, to). */
  from: Date;
  to: Date;
  format: ExportFormat;
  /** Buckets instead of raw samples; undefined for a raw export. */
  aggregate: AggregateSpec | undefined;
}

/** The enum values aggregated exports accept, read from the graph so the two never disagree. */
export interface AggregateVocabulary {
  functions: readonly string[];
  fills: readonly string[];
}

export function aggregateVocabulary(apiSchema: GraphQLSchema): AggregateVocabulary {
  const values = (name: string) => {
    const type = apiSchema.getType(name);
    if (!isEnumType(type)) throw new Error(`The graph has no enum ${name}`);
    return type.getValues().map((value) => value.name);
  };
  return { functions: values('AggregateFunction'), fills: values('GapFill') };
}

const FORMATS: readonly ExportFormat[] = ['csv', 'ndjson', 'parquet', 'arrow'];

const AGGREGATE_PARAMETERS = ['function', 'fill', 'timezone', 'includeBadQuality'] as const;
const PARAMETERS: ReadonlySet<string> = new Set([
  'tagIds',
  'under',
  'tagName',
  'from',
  'to',
  'format',
  'interval',
  ...AGGREGATE_PARAMETERS,
]);

type Query = Readonly<Record<string, unknown>>;

/** Every value of a parameter: repeated (`a=1&a=2`) and comma-separated (`a=1,2`) alike. */
function listOf(query: Query, name: string): string[] {
  const raw = query[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values.flatMap((value) => {
    if (typeof value !== 'string') throw new BadUserInputError(name, 'must be text');
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
  });
}

/** A parameter given at most once. */
function singleOf(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new BadUserInputError(name, 'give it once, as text');
  return raw;
}

function requiredTime(query: Query, name: 'from' | 'to'): Date {
  const text = singleOf(query, name);
  if (text === undefined || text === '') {
    throw new BadUserInputError(name, 'is required: an ISO 8601 time, e.g. 2026-11-20T00:00:00Z');
  }
  // An unencoded "+" in a URL reads as a space; no valid time has one before its offset.
  const repaired = text.replace(/ (\d{2}:?\d{2})$/, '+$1');
  try {
    return DateTime.parseValue(repaired) as Date;
  } catch {
    throw new BadUserInputError(
      name,
      `"${text}" is not an ISO 8601 time with an offset, e.g. 2026-11-20T00:00:00Z (write "+" as %2B)`,
    );
  }
}

function tagSelection(query: Query): TagSelection {
  const tagIds = listOf(query, 'tagIds');
  const under = singleOf(query, 'under');
  const tagName = singleOf(query, 'tagName');
  if (tagIds.length > 0 && under === undefined) {
    if (tagName !== undefined) throw new BadUserInputError('tagName', 'goes with under');
    return { tagIds: parseIdList(tagIds, 'tagIds', 'Tag') };
  }
  if (under !== undefined && tagIds.length === 0) {
    if (tagName === '') throw new BadUserInputError('tagName', 'must not be empty');
    return { under: parseId(under, 'under', 'Asset'), tagName: tagName ?? null };
  }
  throw new BadUserInputError('tagIds', 'give either tagIds or under (with tagName)');
}

function formatOf(query: Query): ExportFormat {
  const format = (singleOf(query, 'format') ?? 'csv').toLowerCase();
  if (!FORMATS.includes(format as ExportFormat)) {
    throw new BadUserInputError(
      'format',
      `"${format}" is not a format; use one of ${FORMATS.join(', ')}`,
    );
  }
  return format as ExportFormat;
}

function oneOf(value: string, allowed: readonly string[], argument: string): string {
  const upper = value.toUpperCase();
  if (!allowed.includes(upper)) {
    throw new BadUserInputError(argument, `"${value}" is not one of ${allowed.join(', ')}`);
  }
  return upper;
}

function aggregateSpec(query: Query, vocabulary: AggregateVocabulary): AggregateSpec | undefined {
  const interval = singleOf(query, 'interval');
  if (interval === undefined) {
    const stray = AGGREGATE_PARAMETERS.find((name) => query[name] !== undefined);
    if (stray) throw new BadUserInputError(stray, 'goes with interval (aggregated export)');
    return undefined;
  }
  const functions = listOf(query, 'function').map((fn) =>
    oneOf(fn, vocabulary.functions, 'function'),
  );
  if (functions.length === 0) {
    throw new BadUserInputError('function', 'name at least one function, e.g. function=AVG,MAX');
  }
  const includeBad = singleOf(query, 'includeBadQuality') ?? 'false';
  if (includeBad !== 'true' && includeBad !== 'false') {
    throw new BadUserInputError('includeBadQuality', 'must be true or false');
  }
  return {
    interval,
    functions: [...new Set(functions)],
    fill: oneOf(singleOf(query, 'fill') ?? 'NONE', vocabulary.fills, 'fill'),
    timezone: singleOf(query, 'timezone') ?? 'UTC',
    includeBadQuality: includeBad === 'true',
  };
}

/**
 * Checks the query of `GET /export`; BAD_USER_INPUT naming the parameter for anything it cannot
 * use, unknown parameters included (a misspelt `interval` must not turn into a raw export).
 */
export function parseExportRequest(query: Query, vocabulary: AggregateVocabulary): ExportRequest {
  const unknown = Object.keys(query).find((name) => !PARAMETERS.has(name));
  if (unknown !== undefined) {
    throw new BadUserInputError(unknown, `is not a parameter of /export`);
  }
  const from = requiredTime(query, 'from');
  const to = requiredTime(query, 'to');
  checkTimeWindow(from, to);
  return {
    tags: tagSelection(query),
    from,
    to,
    format: formatOf(query),
    aggregate: aggregateSpec(query, vocabulary),
  };
}
