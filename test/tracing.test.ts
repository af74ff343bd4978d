import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { EventBus } from '@plantgraph/bus';
import { EventPublisher } from '@plantgraph/connector-runtime';
import { IngestWriter, type DatapointRecord } from '@plantgraph/ingest';
import { installTracing, type Tracing } from '@plantgraph/service';
import { acknowledged, testBroker, until, type TestBroker } from '@plantgraph/testing';
import { startTestPlant, type TestPlant } from './fixtures/plant.ts';

/**
 * One trace per request and per machine value, recorded in memory: the spans the gateway, the
 * subgraphs, the database layer, the ingest writer and the bus start, and their parent links.
 * The plant runs in this process, but its hops are real HTTP, WebSocket and MQTT connections, so
 * a span only finds its parent through the trace context the hop carried.
 *
 * The bus carries trace context in MQTT 5 user properties: on Mosquitto (TEST_MQTT_URL) the
 * subgraph's span of a value is a child of the connector's publish; the embedded broker speaks
 * MQTT 3.1.1 only, and there the trace ends at the publish. From the subgraph's stream on, the
 * context rides in the graphql-ws `next` payload to the gateway, on either broker.
 */

const FEDERATED_QUERY = `query TracedOverview {
  assets(kind: EQUIPMENT, first: 2) {
    edges { node { name state { state } orders { number } activeAlarms { code } } }
  }
}`;

const TAG_VALUES = `subscription ($tagIds: [ID!]!) {
  tagValues(tagIds: $tagIds) { value tag { id name } }
}`;

// A caller's W3C trace context (https://www.w3.org/TR/trace-context/#traceparent-header).
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

let exporter: InMemorySpanExporter;
let tracing: Tracing;
let broker: TestBroker;
let plant: TestPlant;

beforeAll(async () => {
  exporter = new InMemorySpanExporter();
  tracing = await installTracing({
    serviceName: 'plantgraph-test',
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  broker = await testBroker();
  plant = await startTestPlant(new Date(), { busUrl: broker.url });
});

afterAll(async () => {
  await plant?.close();
  await broker?.close();
  await tracing?.shutdown();
});

const scopeOf = (span: ReadableSpan) => span.instrumentationScope.name;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const spansOf = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

/** Whether `ancestor` is `span`'s parent, grandparent, … within `spans`. */
function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, spans: ReadableSpan[]): boolean {
  const byId = new Map(spans.map((each) => [each.spanContext().spanId, each]));
  for (let parent = parentOf(span); parent; parent = parentOf(byId.get(parent)!)) {
    if (parent === ancestor.spanContext().spanId) return true;
    if (!byId.has(parent)) return false;
  }
  return false;
}

describe('tracing a federated query', () => {
  it('follows the caller from the gateway through each subgraph fetch to the SQL', async () => {
    const response = await fetch(plant.plant.url, {
      method: 'POST',
      headers: { ...plant.headers, traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ query: FEDERATED_QUERY }),
    });
    const body = (await response.json()) as { errors?: unknown };
    expect(body.errors).toBeUndefined();
    // A server span ends when its response closed, which may follow the caller's read by a tick.
    await until(
      () => spansOf(CALLER_TRACE).some((span) => parentOf(span) === CALLER_SPAN),
      "the gateway's request span",
    );

    const spans = spansOf(CALLER_TRACE);
    const [gatewayRequest] = spans.filter((span) => parentOf(span) === CALLER_SPAN);
    expect(gatewayRequest).toMatchObject({ name: 'POST /graphql' });
    expect(scopeOf(gatewayRequest!)).toBe('@plantgraph/gateway');

    const [apolloRequest] = spans.filter((span) => span.name === 'gateway.request');
    expect(parentOf(apolloRequest!)).toBe(gatewayRequest!.spanContext().spanId);
    const plan = spans.find((span) => span.name === 'gateway.plan');
    expect(plan && descendsFrom(plan, apolloRequest!, spans)).toBe(true);

    const fetches = spans.filter((span) => span.name === 'gateway.fetch');
    const subgraphRequests = spans.filter((span) => /-subgraph$/.test(scopeOf(span)));
    // assets, plus the timeseries, orders and alarms fields of the same assets.
    expect(new Set(fetches.map((span) => span.attributes.service))).toEqual(
      new Set(['assets', 'timeseries', 'orders', 'alarms']),
    );
    expect(subgraphRequests).toHaveLength(fetches.length);
    for (const fetchSpan of fetches) {
      expect(descendsFrom(fetchSpan, apolloRequest!, spans)).toBe(true);
      const served = subgraphRequests.filter(
        (span) => parentOf(span) === fetchSpan.spanContext().spanId,
      );
      expect(served.map(scopeOf)).toEqual([
        `@plantgraph/${String(fetchSpan.attributes.service)}-subgraph`,
      ]);
      expect(served[0]).toMatchObject({ name: 'POST /graphql' });
      expect(served[0]!.attributes['graphql.operation.type']).toBe('query');
    }

    const statements = spans.filter((span) => scopeOf(span) === '@plantgraph/db');
    for (const subgraphRequest of subgraphRequests) {
      const own = statements.filter((span) => descendsFrom(span, subgraphRequest, spans));
      expect(own.length, scopeOf(subgraphRequest)).toBeGreaterThan(0);
    }
    expect(statements[0]).toMatchObject({ name: 'SELECT' });
    expect(statements[0]!.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'SELECT',
      'plantgraph.db.backend': plant.database.sql.backend,
    });
    expect(String(statements[0]!.attributes['db.query.text'])).toMatch(/^\s*select/i);
  });
});

describe('tracing a machine value', () => {
  let client: Client;
  let publisher: EventBus;
  let writer: IngestWriter;
  let spoolDir: string;

  beforeAll(async () => {
    const prefix = plant.busPrefix;
    publisher = await EventBus.connect({ url: broker.url, clientId: `${prefix}-ingest`, prefix });
    spoolDir = await mkdtemp(join(tmpdir(), 'plantgraph-tracing-'));
    const events = new EventPublisher(publisher, plant.database.services.logger);
    writer = new IngestWriter({
      sql: plant.database.sql,
      spoolDir,
      logger: plant.database.services.logger,
      onWritten: (records) => events.publish(records),
    });
    await writer.start();
    client = createClient({
      url: plant.plant.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: plant.connectionParams,
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await writer?.close();
    await publisher?.close();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  });

  it('links the batch, its write, its publish, the subgraph stream and the gateway delivery', async () => {
    const [tag] = await plant.database.sql.query<{
      id: string;
      name: string;
      asset_id: string;
      path: string;
    }>(
      `select t.id, t.name, a.id as asset_id, a.path from tag t join asset a on a.id = t.asset_id
        where t.data_type = 'FLOAT' order by a.path, t.name limit 1`,
    );
    const subscription = await acknowledged(client, TAG_VALUES, { tagIds: [tag!.id] });
    const record: DatapointRecord = {
      kind: 'datapoint',
      tagId: tag!.id,
      tag: tag!.name,
      assetId: tag!.asset_id,
      assetPath: tag!.path,
      time: new Date(),
      value: 42.125,
      text: null,
      quality: 'GOOD',
    };
    try {
      await writer.write([record]);
      await writer.flush();
      await until(() => subscription.results.length > 0, 'the value through the gateway');
    } finally {
      subscription.stop();
    }
    expect(subscription.results[0]?.data).toMatchObject({ tagValues: { value: 42.125 } });
    // The trace context the subgraph sent the gateway stays inside the platform.
    expect(subscription.results[0]).not.toHaveProperty('extensions');

    const publish = exporter
      .getFinishedSpans()
      .find(
        (span) =>
          scopeOf(span) === '@plantgraph/bus' &&
          span.attributes['plantgraph.event.type'] === 'tagValue',
      );
    const spans = spansOf(publish!.spanContext().traceId);
    const [batch] = spans.filter((span) => span.name === 'ingest batch');
    expect(parentOf(batch!)).toBeUndefined();
    expect(parentOf(publish!)).toBe(batch!.spanContext().spanId);
    const writes = spans.filter(
      (span) => scopeOf(span) === '@plantgraph/db' && descendsFrom(span, batch!, spans),
    );
    // PostgreSQL streams datapoints with COPY, the embedded backend inserts them.
    expect(writes.map((span) => span.name)).toContain(
      plant.database.sql.backend === 'postgres' ? 'COPY' : 'INSERT',
    );

    const received = spans.filter((span) => span.name.startsWith('process '));
    // The subgraph sends the event on the gateway's subscription, the gateway delivers it on.
    const [streamed] = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'stream tagValues');
    expect(scopeOf(streamed!)).toBe('@plantgraph/graph');
    expect(streamed!.attributes['graphql.operation.type']).toBe('subscription');
    const deliveries = exporter
      .getFinishedSpans()
      .filter((span) => span.name === 'deliver tagValues');
    expect(deliveries.map(parentOf)).toEqual([streamed!.spanContext().spanId]);
    expect(deliveries[0]!.spanContext().traceId).toBe(streamed!.spanContext().traceId);
    expect(scopeOf(deliveries[0]!)).toBe('@plantgraph/gateway');
    expect(deliveries[0]!.attributes).toMatchObject({
      'plantgraph.subgraph': 'timeseries',
      'plantgraph.subscription.clients': 1,
    });
    // The tag's name is the assets subgraph's: the delivery's entity fetch continues the trace.
    const deliveryTrace = () => spansOf(deliveries[0]!.spanContext().traceId);
    // A server span ends when its response closed, which may follow the gateway's read by a tick.
    await until(
      () => deliveryTrace().some((span) => scopeOf(span) === '@plantgraph/assets-subgraph'),
      "the assets subgraph's span of the event's entity fetch",
    );
    const entityFetch = deliveryTrace().find(
      (span) => scopeOf(span) === '@plantgraph/assets-subgraph',
    );
    expect(descendsFrom(entityFetch!, deliveries[0]!, deliveryTrace())).toBe(true);
    if (broker.kind === 'mosquitto') {
      expect(received.map(parentOf)).toEqual([publish!.spanContext().spanId]);
      expect(received[0]!.attributes['messaging.destination.name']).toBe(
        publish!.attributes['messaging.destination.name'],
      );
      // One trace from the batch to the gateway's delivery.
      expect(parentOf(streamed!)).toBe(received[0]!.spanContext().spanId);
      expect(spans).toContain(deliveries[0]);
    } else {
      // MQTT 3.1.1 has no user properties: the subgraph's side starts a trace of its own, which
      // the gateway's delivery continues.
      expect(received).toEqual([]);
      expect(parentOf(streamed!)).toBeUndefined();
      expect(streamed!.spanContext().traceId).not.toBe(batch!.spanContext().traceId);
    }
  });
});
