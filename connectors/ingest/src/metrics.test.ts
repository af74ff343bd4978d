import { describe, expect, it } from 'vitest';
import { attributedSink, metricsRegistry, observeStored } from './metrics.ts';
import type { IngestSink } from './ports.ts';
import type { IngestRecord } from './records.ts';

const state = (time: Date): IngestRecord => ({
  kind: 'state',
  assetId: '00000000-0000-4000-8000-000000000001',
  assetPath: 'Acme/Press',
  time,
  state: 'RUNNING',
  reason: null,
});

/** The value of one series of the metric family `family`, e.g. `lag_seconds` + `_sum`. */
async function sample(family: string, series: string, labels: string) {
  const text = await metricsRegistry.getSingleMetricAsString(family);
  const line = text.split('\n').find((entry) => entry.startsWith(`${family}${series}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('stored records per connection', () => {
  it('counts what a connection delivered once stored, and the lag of its oldest record', async () => {
    const written: IngestRecord[] = [];
    const sink: IngestSink = {
      write: (records) => {
        written.push(...records);
        return Promise.resolve();
      },
      deadLetter: () => Promise.resolve(),
      durable: () => Promise.resolve(),
    };
    const now = Date.UTC(2026, 0, 1, 12);
    await attributedSink(sink, 'metrics-test-press').write([
      state(new Date(now - 2_000)),
      state(new Date(now - 40_000)),
    ]);
    // Not through the sink: as replayed from the spool.
    written.push(state(new Date(now + 5_000)));
    observeStored(written, now);

    const connection = '{connection="metrics-test-press"}';
    expect(await sample('plantgraph_ingest_stored_records_total', '', connection)).toBe(2);
    // One observation per connection and batch: its oldest record's lag.
    expect(await sample('plantgraph_ingest_lag_seconds', '_count', connection)).toBe(1);
    expect(await sample('plantgraph_ingest_lag_seconds', '_sum', connection)).toBe(40);
    expect(
      await sample(
        'plantgraph_ingest_lag_seconds',
        '_bucket',
        '{le="30",connection="metrics-test-press"}',
      ),
    ).toBe(0);
    expect(
      await sample(
        'plantgraph_ingest_lag_seconds',
        '_bucket',
        '{le="60",connection="metrics-test-press"}',
      ),
    ).toBe(1);
    // A source clock ahead of ours counts as no lag.
    expect(
      await sample(
        'plantgraph_ingest_lag_seconds',
        '_bucket',
        '{le="0.05",connection="_unattributed"}',
      ),
    ).toBeGreaterThanOrEqual(1);
  });
});
