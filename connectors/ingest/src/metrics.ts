import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
};
