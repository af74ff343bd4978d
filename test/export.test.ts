import { tableFromIPC } from '@uwdata/flechette';
import { createApiKey, type Role } from '@plantgraph/auth';
import { loadSupergraphSdl, startGateway } from '@plantgraph/gateway';
import type { RunningServer } from '@plantgraph/graph';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * `GET /export` on the gateway of the small demo plant: raw and aggregated exports against the
 * database and the graph, as CSV, NDJSON, Parquet (read back with hyparquet) and Arrow (read back
 * with flechette, an implementation apart from the apache-arrow that writes it), the graph's
 * authorisation, refusals naming the parameter, and a client that hangs up halfway.
 */

let plant: TestPlant;
let base: string;
let window: { from: string; to: string };
/** The busiest tag of the seed, a Dresden line and site, the Lyon site and the enterprise. */
let tag: { id: string; name: string; path: string };
let line: string;
let dresden: string;
let lyon: string;
let enterprise: string;

type Params = Record<string, string>;

function exportFrom(params: Params, headers: Record<string, string> = plant.headers) {
  return fetch(`${base}/export?${new URLSearchParams(params)}`, { headers });
}

async function exportText(params: Params): Promise<string> {
  const response = await exportFrom(params);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.text();
}

/** RFC 4180 records of `text`, the header row first. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
    } else field += char;
  }
  return records;
}

/** CSV rows as objects keyed by the header. */
function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index]!])));
}

const parseNdjson = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

interface SampleRow {
  time: Date;
  tag_id: string;
  tag: string;
  asset_path: string;
  value: number | null;
  quality: string;
  text: string | null;
}

/** The database's samples of `tagIds` in the window, as the export should list them. */
async function samplesOf(tagIds: string[]): Promise<SampleRow[]> {
  const rows: SampleRow[] = [];
  for (const id of tagIds) {
    rows.push(
      ...(await plant.database.sql.query<SampleRow>(
        `select d.time, d.tag_id, t.name as tag, a.path as asset_path, d.value,
                d.quality::text as quality, d.text
           from datapoint d join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
          where d.tag_id = $1 and d.time >= $2 and d.time < $3
          order by d.time`,
        [id, window.from, window.to],
      )),
    );
  }
  return rows;
}

async function graph<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(plant.plant.url, {
    method: 'POST',
    headers: plant.headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function keyFor(role: Role, sites: string[] | null): Promise<Record<string, string>> {
  const { key } = await createApiKey(plant.database.sql, { role, sites, label: 'export test' });
  return { authorization: `Bearer ${key}` };
}

async function assetId(where: string): Promise<string> {
  const [row] = await plant.database.sql.query<{ id: string }>(
    `select id from asset where ${where} order by path limit 1`,
  );
  return row!.id;
}

beforeAll(async () => {
  plant = await startTestPlant();
  base = plant.plant.url.replace(/\/graphql$/, '');
  const hour = 3_600_000;
  const from = Math.floor(plant.seed.from.getTime() / hour) * hour + hour;
  window = { from: new Date(from).toISOString(), to: new Date(from + 3 * hour).toISOString() };
  const [busiest] = await plant.database.sql.query<{ id: string; name: string; path: string }>(
    `select t.id, t.name, a.path from tag t join asset a on a.id = t.asset_id
      where a.path like '%/Dresden/%'
        and t.id = (select d.tag_id from datapoint d join tag x on x.id = d.tag_id
                     join asset y on y.id = x.asset_id
                    where y.path like '%/Dresden/%' and d.time >= $1 and d.time < $2
                    group by d.tag_id order by count(*) desc, d.tag_id limit 1)`,
    [window.from, window.to],
  );
  tag = busiest!;
  line = await assetId(`kind = 'LINE' and path like '%/Dresden/%'`);
  dresden = await assetId(`kind = 'SITE' and name = 'Dresden'`);
  enterprise = await assetId(`kind = 'ENTERPRISE'`);
  // The small seed has one site; a second one to scope a caller to.
  const [site] = await plant.database.sql.query<{ id: string }>(
    `insert into asset (parent_id, kind, name, path)
     select id, 'SITE', 'Lyon', path || '/Lyon' from asset where id = $1 returning id`,
    [enterprise],
  );
  lyon = site!.id;
});
afterAll(() => plant?.close());

describe('raw export', () => {
  it("streams a tag's samples in the window as CSV, row for row as in the database", async () => {
    const response = await exportFrom({ tagIds: tag.id, ...window });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="plantgraph-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv"$/,
    );
    const text = await response.text();
    expect(text.split('\n')[0]).toBe('time,tag_id,tag,asset_path,value,quality,text');
    const expected = await samplesOf([tag.id]);
    expect(expected.length).toBeGreaterThan(10);
    expect(csvObjects(text)).toEqual(
      expected.map((row) => ({
        time: row.time.toISOString(),
        tag_id: row.tag_id,
        tag: row.tag,
        asset_path: row.asset_path,
        value: row.value === null ? '' : String(row.value),
        quality: row.quality,
        text: row.text ?? '',
      })),
    );
  });

  it('streams every tag under a line as NDJSON, tag after tag in time order', async () => {
    const response = await exportFrom({ under: line, ...window, format: 'ndjson' });
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const rows = parseNdjson(await response.text());
    const tags = await plant.database.sql.query<{ id: string }>(
      `select t.id from tag t join asset a on a.id = t.asset_id
        where a.id = $1 or a.path like (select path || '/%' from asset where id = $1)
        order by a.path, t.name`,
      [line],
    );
    expect(tags.length).toBeGreaterThan(1);
    const expected = await samplesOf(tags.map((row) => row.id));
    expect(rows).toEqual(expected.map((row) => ({ ...row, time: row.time.toISOString() })));
  });

  it('answers an empty window with the header alone', async () => {
    const text = await exportText({ tagIds: tag.id, from: window.from, to: window.from });
    expect(text).toBe('time,tag_id,tag,asset_path,value,quality,text\n');
  });
});

describe('aggregated export', () => {
  const AGGREGATE = `
    query ($id: ID!, $from: DateTime!, $to: DateTime!, $fill: GapFill!) {
      tag(id: $id) {
        aggregate(from: $from, to: $to, interval: "10 minutes", fill: $fill,
                  functions: [AVG, MAX, COUNT, STDDEV, TIME_WEIGHTED_AVG]) {
          start
          avg
          max
          count
          stddev
          timeWeightedAvg
        }
      }
    }`;
  interface Bucket {
    start: string;
    avg: number | null;
    max: number | null;
    count: number;
    stddev: number | null;
    timeWeightedAvg: number | null;
  }

  const exportParams = (fill: string) => ({
    tagIds: tag.id,
    ...window,
    interval: '10 minutes',
    function: 'AVG,MAX,COUNT,STDDEV,TIME_WEIGHTED_AVG',
    fill,
  });

  async function aggregateOf(fill: string): Promise<Bucket[]> {
    const data = await graph<{ tag: { aggregate: Bucket[] } }>(AGGREGATE, {
      id: tag.id,
      ...window,
      fill,
    });
    return data.tag.aggregate;
  }

  it('equals Tag.aggregate through the graph for the same arguments (NDJSON)', async () => {
    const buckets = await aggregateOf('LINEAR');
    expect(buckets.length).toBe(18);
    const rows = parseNdjson(await exportText({ ...exportParams('LINEAR'), format: 'ndjson' }));
    expect(rows).toEqual(
      buckets.map((bucket) => ({
        bucket_start: bucket.start,
        tag_id: tag.id,
        tag: tag.name,
        asset_path: tag.path,
        avg: bucket.avg,
        max: bucket.max,
        count: bucket.count,
        stddev: bucket.stddev,
        time_weighted_avg: bucket.timeWeightedAvg,
      })),
    );
  });

  it('equals Tag.aggregate as CSV too, gaps left out as fill NONE leaves them out', async () => {
    const buckets = await aggregateOf('NONE');
    const text = await exportText(exportParams('NONE'));
    expect(text.split('\n')[0]).toBe(
      'bucket_start,tag_id,tag,asset_path,avg,max,count,stddev,time_weighted_avg',
    );
    const cell = (value: number | null) => (value === null ? '' : String(value));
    expect(csvObjects(text)).toEqual(
      buckets.map((bucket) => ({
        bucket_start: bucket.start,
        tag_id: tag.id,
        tag: tag.name,
        asset_path: tag.path,
        avg: cell(bucket.avg),
        max: cell(bucket.max),
        count: cell(bucket.count),
        stddev: cell(bucket.stddev),
        time_weighted_avg: cell(bucket.timeWeightedAvg),
      })),
    );
  });
});

describe('authorisation', () => {
  async function refusal(response: Response) {
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string; argument?: string } }[];
    };
    return { status: response.status, ...body.errors[0]!.extensions };
  }

  it('refuses anonymous callers with 401', async () => {
    const response = await exportFrom({ tagIds: tag.id, ...window }, {});
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await refusal(response)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    const wrong = await exportFrom(
      { tagIds: tag.id, ...window },
      { authorization: 'Bearer pgk_unknown.key' },
    );
    expect(wrong.status).toBe(401);
  });

  it("refuses a caller scoped to another site the site's tags, raw or aggregated", async () => {
    const lyonViewer = await keyFor('viewer', [lyon]);
    const raw = await exportFrom({ tagIds: tag.id, ...window }, lyonViewer);
    expect(await refusal(raw)).toEqual({ status: 403, code: 'FORBIDDEN', argument: 'tagIds' });
    const aggregated = await exportFrom(
      { tagIds: tag.id, ...window, interval: '1 hour', function: 'AVG' },
      lyonViewer,
    );
    expect(await refusal(aggregated)).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      argument: 'tagIds',
    });
    const under = await exportFrom({ under: line, ...window }, lyonViewer);
    expect(await refusal(under)).toEqual({ status: 403, code: 'FORBIDDEN', argument: 'under' });
  });

  it('lets a caller scoped to the site export its tags, and an unscoped caller any', async () => {
    const dresdenViewer = await keyFor('viewer', [dresden]);
    const own = await exportFrom({ tagIds: tag.id, ...window }, dresdenViewer);
    expect(own.status).toBe(200);
    const unscoped = await exportFrom({ tagIds: tag.id, ...window }, await keyFor('viewer', null));
    expect(await unscoped.text()).toBe(await own.text());

    const site = await exportFrom(
      { under: dresden, tagName: tag.name, ...window, format: 'ndjson' },
      dresdenViewer,
    );
    const rows = parseNdjson(await site.text());
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => String(row.asset_path).includes('/Dresden/'))).toBe(true);
    // The enterprise lies above the caller's site: outside it, as in the graph.
    const above = await exportFrom({ under: enterprise, ...window }, dresdenViewer);
    expect(above.status).toBe(403);
  });
});

describe('bad input', () => {
  const cases: [string, () => Params, string][] = [
    ['an unknown tag', () => ({ tagIds: crypto.randomUUID(), ...window }), 'tagIds'],
    ['a malformed tag id', () => ({ tagIds: 'press-1', ...window }), 'tagIds'],
    ['neither tagIds nor under', () => ({ ...window }), 'tagIds'],
    ['an unknown asset', () => ({ under: crypto.randomUUID(), ...window }), 'under'],
    ['a missing from', () => ({ tagIds: tag.id, to: window.to }), 'from'],
    ['from after to', () => ({ tagIds: tag.id, from: window.to, to: window.from }), 'from'],
    ['a time without offset', () => ({ tagIds: tag.id, ...window, to: '2026-11-20' }), 'to'],
    ['an unknown format', () => ({ tagIds: tag.id, ...window, format: 'xlsx' }), 'format'],
    [
      'a misspelt parameter',
      () => ({ tagIds: tag.id, ...window, intervall: '1 hour' }),
      'intervall',
    ],
    [
      'a function without interval',
      () => ({ tagIds: tag.id, ...window, function: 'AVG' }),
      'function',
    ],
    [
      'an interval without function',
      () => ({ tagIds: tag.id, ...window, interval: '1 hour' }),
      'function',
    ],
    [
      'an unknown function',
      () => ({ tagIds: tag.id, ...window, interval: '1 hour', function: 'MEDIAN' }),
      'function',
    ],
    [
      'an unknown time zone (the graph refuses it)',
      () => ({
        tagIds: tag.id,
        ...window,
        interval: '1 day',
        function: 'AVG',
        timezone: 'Mars/Base',
      }),
      'timezone',
    ],
    [
      'more buckets than a frame may hold (the graph refuses it)',
      () => ({
        tagIds: tag.id,
        from: '2026-01-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
        interval: '1 second',
        function: 'AVG',
      }),
      'interval',
    ],
  ];

  it.each(cases)('answers %s with 400 naming the parameter', async (_name, params, argument) => {
    const response = await exportFrom(params());
    const body = (await response.json()) as {
      errors: { message: string; extensions: { code: string; argument: string } }[];
    };
    expect(response.status, JSON.stringify(body)).toBe(400);
    expect(body.errors[0]!.extensions.argument).toBe(argument);
    expect(body.errors[0]!.message).toContain(`"${argument}"`);
  });
});

describe('a client that hangs up', () => {
  it('stops the export, and the gateway serves the next one', async () => {
    const [asset] = await plant.database.sql.query<{ id: string }>(
      "select id from asset where kind = 'EQUIPMENT' order by path limit 1",
    );
    const [load] = await plant.database.sql.query<{ id: string }>(
      "insert into tag (asset_id, name) values ($1, 'Export Load') returning id",
      [asset!.id],
    );
    await plant.database.sql.query(
      `insert into datapoint (time, tag_id, value)
       select timestamptz '2020-01-01T00:00:00Z' + g * interval '1 second', $1, g
         from generate_series(1, 300000) g`,
      [load!.id],
    );
    let chunkReads = 0;
    const stopObserving = plant.database.sql.observe((statement) => {
      if (statement.includes('from datapoint d') && statement.includes('limit $4')) chunkReads++;
    });
    try {
      const hangUp = new AbortController();
      const response = await fetch(
        `${base}/export?${new URLSearchParams({
          tagIds: load!.id,
          from: '2020-01-01T00:00:00Z',
          to: '2020-02-01T00:00:00Z',
        })}`,
        { headers: plant.headers, signal: hangUp.signal },
      );
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      expect(value!.length).toBeGreaterThan(0);
      hangUp.abort();
      await reader.cancel().catch(() => undefined);

      const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
      await settle();
      const afterHangUp = chunkReads;
      await settle();
      expect(chunkReads).toBe(afterHangUp);
      // 300,000 samples are 15 chunks; the export stopped well before.
      expect(chunkReads).toBeLessThan(15);
    } finally {
      stopObserving();
    }
    const next = await exportText({ tagIds: tag.id, ...window });
    expect(csvObjects(next).length).toBe((await samplesOf([tag.id])).length);
  });
});

describe('Parquet and Arrow', () => {
  /** A tag with awkward samples: nulls, text, BAD ones, microseconds, a huge value. */
  let odd: { id: string; name: string; path: string };

  /** Every sample of `tagIds` in the window, the time in microseconds since the epoch. */
  async function exactSamplesOf(tagIds: string[]) {
    const rows = [];
    for (const id of tagIds) {
      const found = await plant.database.sql.query<{ micros: string } & Omit<SampleRow, 'time'>>(
        `select (extract(epoch from d.time) * 1000000)::int8::text as micros, d.tag_id,
                t.name as tag, a.path as asset_path, d.value, d.quality::text as quality, d.text
           from datapoint d join tag t on t.id = d.tag_id join asset a on a.id = t.asset_id
          where d.tag_id = $1 and d.time >= $2 and d.time < $3
          order by d.time`,
        [id, window.from, window.to],
      );
      rows.push(...found.map(({ micros, ...row }) => ({ time: BigInt(micros), ...row })));
    }
    return rows;
  }

  async function exportBytes(params: Params, headers = plant.headers) {
    const response = await exportFrom(params, headers);
    expect(response.status, await response.clone().text()).toBe(200);
    return { headers: response.headers, bytes: new Uint8Array(await response.arrayBuffer()) };
  }

  /** Rows of a Parquet file as hyparquet reads them, times as bigint microseconds. */
  async function parquetRows(bytes: Uint8Array) {
    const file = bytes.slice().buffer;
    return parquetReadObjects({
      file,
      parsers: {
        timestampFromMicroseconds: (micros: bigint) => micros,
        timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
      },
    });
  }

  /** Rows of an Arrow IPC stream as flechette reads them, times as bigint microseconds. */
  function arrowRows(bytes: Uint8Array) {
    return tableFromIPC(bytes, { useBigIntTimestamp: true }).toArray();
  }

  beforeAll(async () => {
    const [equipment] = await plant.database.sql.query<{ id: string; path: string }>(
      `select id, path from asset where kind = 'EQUIPMENT' and path like '%/Dresden/%'
        order by path limit 1`,
    );
    const [row] = await plant.database.sql.query<{ id: string; name: string }>(
      `insert into tag (asset_id, name) values ($1, 'Grüße, "odd" ✓') returning id, name`,
      [equipment!.id],
    );
    odd = { ...row!, path: equipment!.path };
    await plant.database.sql.query(
      `insert into datapoint (time, tag_id, value, text, quality) values
         ($2::timestamptz + interval '1.000123 seconds', $1, 1.5, null, 'GOOD'),
         ($2::timestamptz + interval '1.000124 seconds', $1, null, 'a "quoted", text', 'GOOD'),
         ($2::timestamptz + interval '2 seconds', $1, 7.25, null, 'BAD'),
         ($2::timestamptz + interval '3 seconds', $1, -0.1, null, 'UNCERTAIN'),
         ($2::timestamptz + interval '61 minutes', $1, 1e300, null, 'BAD')`,
      [odd.id, window.from],
    );
  });

  it('writes every raw sample as Parquet, exact to the microsecond, nulls and BAD included', async () => {
    const tags = [odd.id, tag.id];
    const { headers, bytes } = await exportBytes({
      tagIds: tags.join(','),
      ...window,
      format: 'parquet',
    });
    expect(headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(headers.get('content-disposition')).toMatch(/filename="plantgraph-[\dTZ-]+\.parquet"$/);
    const expected = await exactSamplesOf(tags);
    expect(expected.filter((row) => row.value === null).length).toBeGreaterThan(0);
    expect(expected.filter((row) => row.quality === 'BAD').length).toBeGreaterThan(1);
    expect(expected.length).toBeGreaterThan(10);
    expect(await parquetRows(bytes)).toEqual(expected);
    const time = parquetMetadata(bytes.slice().buffer).schema.find((e) => e.name === 'time');
    expect(time?.logical_type).toEqual({
      type: 'TIMESTAMP',
      isAdjustedToUTC: true,
      unit: 'MICROS',
    });
  });

  it('writes every raw sample as an Arrow stream, exact to the microsecond', async () => {
    const { headers, bytes } = await exportBytes({ under: line, ...window, format: 'arrow' });
    expect(headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    expect(headers.get('content-disposition')).toMatch(/\.arrows"$/);
    const tags = await plant.database.sql.query<{ id: string }>(
      `select t.id from tag t join asset a on a.id = t.asset_id
        where a.id = $1 or a.path like (select path || '/%' from asset where id = $1)
        order by a.path, t.name`,
      [line],
    );
    expect(tags.map((row) => row.id)).toContain(odd.id);
    const expected = await exactSamplesOf(tags.map((row) => row.id));
    expect(arrowRows(bytes)).toEqual(expected);
    const schema = tableFromIPC(bytes).schema;
    expect(schema.fields.map((field) => [field.name, field.nullable])).toEqual([
      ['time', false],
      ['tag_id', false],
      ['tag', false],
      ['asset_path', false],
      ['value', true],
      ['quality', false],
      ['text', true],
    ]);
    expect(schema.fields[0]!.type).toMatchObject({ unit: 2, timezone: 'UTC' });
  });

  it('writes aggregates as Tag.aggregate gives them, in Parquet and Arrow alike', async () => {
    const data = await graph<{
      tag: {
        aggregate: {
          start: string;
          avg: number | null;
          max: number | null;
          count: number;
          badCount: number;
          stddev: number | null;
        }[];
      };
    }>(
      `query ($id: ID!, $from: DateTime!, $to: DateTime!) {
        tag(id: $id) {
          aggregate(from: $from, to: $to, interval: "10 minutes", fill: NULL,
                    includeBadQuality: true, functions: [AVG, MAX, COUNT, BAD_COUNT, STDDEV]) {
            start avg max count badCount stddev
          }
        }
      }`,
      { id: odd.id, ...window },
    );
    const buckets = data.tag.aggregate;
    expect(buckets.length).toBe(18);
    expect(buckets.some((bucket) => bucket.avg === null)).toBe(true);
    expect(buckets.some((bucket) => bucket.badCount > 0)).toBe(true);
    const expected = buckets.map((bucket) => ({
      bucket_start: BigInt(Date.parse(bucket.start)) * 1000n,
      tag_id: odd.id,
      tag: odd.name,
      asset_path: odd.path,
      avg: bucket.avg,
      max: bucket.max,
      count: bucket.count,
      bad_count: bucket.badCount,
      stddev: bucket.stddev,
    }));
    const params = {
      tagIds: odd.id,
      ...window,
      interval: '10 minutes',
      function: 'AVG,MAX,COUNT,BAD_COUNT,STDDEV',
      fill: 'NULL',
      includeBadQuality: 'true',
    };
    const parquet = await exportBytes({ ...params, format: 'parquet' });
    expect(parquet.headers.get('content-disposition')).toMatch(
      /plantgraph-aggregated-.*\.parquet"$/,
    );
    expect(await parquetRows(parquet.bytes)).toEqual(expected);
    const arrow = await exportBytes({ ...params, format: 'arrow' });
    expect(arrowRows(arrow.bytes)).toEqual(expected);
  });

  it('writes an empty window as a file without rows that readers still open', async () => {
    const empty = { tagIds: tag.id, from: window.from, to: window.from };
    expect(await parquetRows((await exportBytes({ ...empty, format: 'parquet' })).bytes)).toEqual(
      [],
    );
    const arrow = (await exportBytes({ ...empty, format: 'arrow' })).bytes;
    expect(tableFromIPC(arrow).numRows).toBe(0);
    expect(tableFromIPC(arrow).schema.fields.map((field) => field.name)).toContain('quality');
  });

  it('names the formats when given an unknown one', async () => {
    const response = await exportFrom({ tagIds: tag.id, ...window, format: 'xlsx' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toBe(
      'Argument "format": "xlsx" is not a format; use one of csv, ndjson, parquet, arrow',
    );
  });

  describe('above the row limit of Parquet', () => {
    let limited: RunningServer;
    let limitedBase: string;

    beforeAll(async () => {
      limited = await startGateway({
        supergraphSdl: loadSupergraphSdl(),
        subgraphUrls: Object.fromEntries(
          Object.entries(plant.plant.subgraphs).map(([name, server]) => [name, server.url]),
        ),
        port: 0,
        host: '127.0.0.1',
        logger: plant.database.services.logger,
        gatewaySecret: plant.plant.gatewaySecret,
        sql: plant.database.sql,
        maxParquetExportRows: 4,
      });
      limitedBase = limited.url.replace(/\/graphql$/, '');
    });
    afterAll(() => limited?.close());

    const exportAt = (params: Params) =>
      fetch(`${limitedBase}/export?${new URLSearchParams(params)}`, { headers: plant.headers });

    it('refuses a raw export up front, naming the count and the limit', async () => {
      const response = await exportAt({ tagIds: odd.id, ...window, format: 'parquet' });
      const body = (await response.json()) as {
        errors: { message: string; extensions: Record<string, unknown> }[];
      };
      expect(response.status).toBe(400);
      expect(body.errors[0]!.extensions).toEqual({
        argument: 'format',
        rows: 5,
        maxRows: 4,
        code: 'BAD_USER_INPUT',
      });
      expect(body.errors[0]!.message).toMatch(
        /^Argument "format": this Parquet export would hold 5 rows; the limit is 4\./,
      );
    });

    it('refuses an aggregated export by the buckets of its window', async () => {
      const aggregated = (interval: string, tagIds: string) =>
        exportAt({ tagIds, ...window, interval, function: 'AVG', format: 'parquet' });
      const messageOf = async (response: Response) =>
        ((await response.json()) as { errors: { message: string }[] }).errors[0]!.message;
      // Three hours: six half-hour buckets, or three hourly ones per tag.
      const halfHours = await aggregated('30 minutes', odd.id);
      expect(halfHours.status).toBe(400);
      expect(await messageOf(halfHours)).toContain('would hold about 6 rows; the limit is 4');
      const twoTags = await aggregated('1 hour', `${odd.id},${tag.id}`);
      expect(twoTags.status).toBe(400);
      expect(await messageOf(twoTags)).toContain('about 6 rows');
      const hours = await aggregated('1 hour', odd.id);
      expect(hours.status).toBe(200);
      // fill NONE: the two hours with samples.
      expect(await parquetRows(new Uint8Array(await hours.arrayBuffer()))).toHaveLength(2);
    });

    it('lets exports within the limit and other formats through', async () => {
      const within = await exportAt({
        tagIds: odd.id,
        from: window.from,
        to: new Date(Date.parse(window.from) + 3_000).toISOString(),
        format: 'parquet',
      });
      expect(within.status).toBe(200);
      expect(await parquetRows(new Uint8Array(await within.arrayBuffer()))).toHaveLength(3);
      const arrow = await exportAt({ tagIds: odd.id, ...window, format: 'arrow' });
      expect(arrow.status).toBe(200);
      expect(arrowRows(new Uint8Array(await arrow.arrayBuffer()))).toHaveLength(5);
    });
  });
});
