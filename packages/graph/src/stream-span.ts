import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
} from '@opentelemetry/api';
import { tracingActive } from '@plantgraph/service';
import { getOperationAST, Kind, type DocumentNode } from 'graphql';

/**
 * A subscription event's trace, from the bus to the gateway. The bus runs a subgraph's handler in
 * the `process` span of the event (event-bus.ts); the stream keeps that context with the item it
 * buffers, and when graphql-ws sends the item's result, a `stream <field>` span, child of it,
 * covers resolving and sending the event. Its W3C trace context goes to the gateway in the `next`
 * payload's `extensions.traceparent` (and `tracestate`), where the gateway continues the trace
 * and takes the keys out before anything reaches a client. With tracing off nothing is kept and
 * nothing is added.
 */

const TRACER = '@plantgraph/graph';

/** The extensions of a `next` payload that carry its trace context from subgraph to gateway. */
export const TRACE_EXTENSIONS = ['traceparent', 'tracestate'] as const;

/** The context each buffered item arrived in, until a stream hands it out. */
const arrivals = new WeakMap<object, Context>();

/** What a subscription's stream handed out last and when, until its result is sent. */
const handedOut = new WeakMap<object, { parent: Context; at: number }>();

/** Keeps the active context (the bus's `process` span) with an item a stream buffers. */
export function itemArrived(item: unknown): void {
  if (!tracingActive() || typeof item !== 'object' || item === null) return;
  arrivals.set(item, context.active());
}

/** `subscription` (the operation's context) is about to resolve and send `item`. */
export function itemHandedOut(subscription: object | undefined, item: unknown): void {
  if (!subscription || !tracingActive() || typeof item !== 'object' || item === null) return;
  const parent = arrivals.get(item);
  if (!parent) return;
  arrivals.delete(item);
  handedOut.set(subscription, { parent, at: performance.timeOrigin + performance.now() });
}

/** The subscription's `next` payload as far as tracing is concerned. */
interface NextPayload {
  errors?: readonly unknown[];
  extensions?: Record<string, unknown>;
}

/**
 * `result` with its trace context in `extensions`, after a `stream <field>` span for the event the
 * subscription's stream handed out last; undefined when there is no such event (tracing off, an
 * acknowledgement). graphql-ws resolves an event and sends it before it pulls the next one, so the
 * item handed out last is the one this result belongs to.
 */
export function tracedNext<R extends NextPayload>(
  subscription: unknown,
  operation: { document: DocumentNode; operationName?: string | null },
  result: R,
): R | undefined {
  if (!tracingActive() || typeof subscription !== 'object' || subscription === null) return;
  const event = handedOut.get(subscription);
  if (!event) return;
  handedOut.delete(subscription);
  const field = rootFieldName(operation.document, operation.operationName);
  const span = trace.getTracer(TRACER).startSpan(
    `stream ${field}`,
    {
      kind: SpanKind.PRODUCER,
      startTime: event.at,
      attributes: {
        'graphql.operation.type': 'subscription',
        'graphql.field.name': field,
        ...(operation.operationName ? { 'graphql.operation.name': operation.operationName } : {}),
      },
    },
    event.parent,
  );
  if (result.errors) span.setStatus({ code: SpanStatusCode.ERROR });
  const carried: Record<string, string> = {};
  propagation.inject(trace.setSpan(event.parent, span), carried);
  span.end();
  return { ...result, extensions: { ...result.extensions, ...carried } };
}

/** The subscription's root field (`tagValues`), which names its spans. */
export function rootFieldName(document: DocumentNode, operationName?: string | null): string {
  const [first] = getOperationAST(document, operationName)?.selectionSet.selections ?? [];
  return first?.kind === Kind.FIELD ? first.name.value : 'subscription';
}
