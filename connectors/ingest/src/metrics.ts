import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestRecord } from './records.ts';
import type { IngestSink } from './ports.ts';

/**
 * The ingest pipeline's Prometheus metrics. They live on a registry of their own so a process
 * exposes them next to its process metrics without touching prom-client's global default.
 */
export const metricsRegistry = new Registry();

export const ingestMetrics = {
  records: new Counter({
    name: 'plantgraph_ingest_records_total',
    help: 'Records in committed batches, by kind (duplicates and unchanged states included).',
    labelNames: ['kind'] as const,
    registers: [metricsRegistry],
  }),
  batchSeconds: new Histogram({
    name: 'plantgraph_ingest_batch_seconds',
    help: 'Time to write one batch to the database, including finding rejected rows.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
  queueDepth: new Gauge({
    name: 'plantgraph_ingest_queue_depth',
    help: 'Records held in memory, waiting for the database or the spool.',
    registers: [metricsRegistry],
  }),
  spoolRecords: new Gauge({
    name: 'plantgraph_ingest_spool_records',
    help: 'Records waiting in spool files until the database is back.',
    registers: [metricsRegistry],
  }),
  spoolTornLines: new Counter({
    name: 'plantgraph_ingest_spool_torn_lines_total',
    help: 'Spool files replayed that ended in a partial line (an append cut short by a crash); the partial line is left out.',
    registers: [metricsRegistry],
  }),
  deadLetters: new Counter({
    name: 'plantgraph_dead_letters_total',
    help: 'Dead letters stored, by connection.',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  connectionUp: new Gauge({
    name: 'plantgraph_connection_up',
    help: '1 while the connection is CONNECTED, 0 otherwise.',
    labelNames: ['connection', 'kind'] as const,
    registers: [metricsRegistry],
  }),
  lostMessages: new Counter({
    name: 'plantgraph_ingest_lost_messages_total',
    help: 'Messages the source sent that never arrived, by connection (Sparkplug B sequence gaps).',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  connectionBehind: new Gauge({
    name: 'plantgraph_connection_behind',
    help: '1 while the connection falls behind: what it receives waits too long to be stored.',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  connectionMessages: new Counter({
    name: 'plantgraph_connection_messages_total',
    help: 'Messages received on the connection (notifications, publishes).',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  storedRecords: new Counter({
    name: 'plantgraph_ingest_stored_records_total',
    help: 'Records of committed batches, by the connection that delivered them (duplicates included).',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  lagSeconds: new Histogram({
    name: 'plantgraph_ingest_lag_seconds',
    help: "Seconds from the source time of a committed batch's oldest record to the commit, by connection.",
    labelNames: ['connection'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [metricsRegistry],
  }),
  backfills: new Counter({
    name: 'plantgraph_backfill_runs_total',
    help: 'History backfills run after (re)connecting, by connection and outcome (completed, failed).',
    labelNames: ['connection', 'outcome'] as const,
    registers: [metricsRegistry],
  }),
  backfillValuesRead: new Counter({
    name: 'plantgraph_backfill_values_read_total',
    help: "Values read from a server's history by backfills, by connection.",
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  backfillValuesDelivered: new Counter({
    name: 'plantgraph_backfill_values_delivered_total',
    help: 'Datapoints backfills handed to storage after mapping and deadband (stored ones included), by connection.',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  backfillNodesUnsupported: new Counter({
    name: 'plantgraph_backfill_nodes_unsupported_total',
    help: 'Mapped nodes a backfill skipped because the server keeps no readable history of them, by connection.',
    labelNames: ['connection'] as const,
    registers: [metricsRegistry],
  }),
  backfillSeconds: new Histogram({
    name: 'plantgraph_backfill_seconds',
    help: 'Duration of one history backfill, reading and handing to storage, by connection.',
    labelNames: ['connection'] as const,
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    registers: [metricsRegistry],
  }),
};

/**
 * The connection label of records the writer cannot attribute: replayed from the spool (which
 * stores no connection) or written by the runtime itself (a device marked offline, a dead letter
 * mapped again).
 */
export const UNATTRIBUTED_CONNECTION = '_unattributed';

/**
 * Which connection delivered a record. Records carry no connection, and the writer batches those
 * of every connection together. A symbol-keyed property keeps the attribution on the record
 * itself: unlike a WeakMap entry per record it costs the garbage collector nothing at 100,000
 * records a second, and JSON (the spool) leaves it out, so what is queued, spooled or stored is
 * unchanged.
 */
const DELIVERED_BY = Symbol('delivered by');
type Attributed = IngestRecord & { [DELIVERED_BY]?: string };

/** `sink` for one connection: what it writes is attributed to `connection` on /metrics. */
export function attributedSink(sink: IngestSink, connection: string): IngestSink {
  return {
    write(records) {
      for (const record of records) (record as Attributed)[DELIVERED_BY] = connection;
      return sink.write(records);
    },
    deadLetter: (letter) => sink.deadLetter(letter),
    durable: () => sink.durable(),
  };
}

/**
 * Counts committed records per connection and observes, per connection and batch, the lag of its
 * oldest record: the worst a batch had to wait. One observation per batch rather than per record,
 * because at full rate a histogram observation for each of thousands of records a batch costs more
 * than the rest of the bookkeeping.
 */
export function observeStored(records: readonly IngestRecord[], now = Date.now()): void {
  const batches = new Map<string, { count: number; oldest: number }>();
  let connection: string | undefined;
  let batch = { count: 0, oldest: Number.POSITIVE_INFINITY };
  for (const record of records) {
    const from = (record as Attributed)[DELIVERED_BY] ?? UNATTRIBUTED_CONNECTION;
    // Records come in runs from one connection: look the entry up only when the run changes.
    if (from !== connection) {
      connection = from;
      const known = batches.get(from);
      batch = known ?? { count: 0, oldest: Number.POSITIVE_INFINITY };
      if (!known) batches.set(from, batch);
    }
    batch.count += 1;
    const time = record.time instanceof Date ? record.time.getTime() : Number.NaN;
    if (time < batch.oldest) batch.oldest = time;
  }
  for (const [from, { count, oldest }] of batches) {
    ingestMetrics.storedRecords.inc({ connection: from }, count);
    // A source clock ahead of ours would make the lag negative: it is none.
    if (Number.isFinite(oldest)) {
      ingestMetrics.lagSeconds.observe({ connection: from }, Math.max(0, now - oldest) / 1000);
    }
  }
}
