import { createApiKey, type Role } from '@plantgraph/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * `GET /export` on the gateway of the small demo plant: raw and aggregated exports against the
 * database and the graph, the graph's authorisation, refusals naming the parameter, and a
 * client that hangs up halfway.
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
