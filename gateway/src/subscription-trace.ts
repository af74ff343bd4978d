import { rootFieldName, TRACE_EXTENSIONS } from '@plantgraph/graph';
import { contextFromHeaders, inSpan, tracingActive } from '@plantgraph/service';
import type { DocumentNode, ExecutionResult } from 'graphql';

const TRACER = '@plantgraph/gateway';

export interface Delivery {
  document: DocumentNode;
  operationName?: string | null;
  /** The subgraph the event came from. */
  subgraph: string;
  /** The clients sharing the upstream, each of which gets the resolved event. */
  clients: number;
}

/**
 * Resolves an upstream event for its clients. A subgraph with tracing on sends the event's trace
 * context in `extensions.traceparent`/`tracestate` (@plantgraph/graph's stream-span.ts): it is
 * taken out of the event first, traced or not, so no client ever sees an internal trace id, and
 * with tracing on the resolution runs in a `deliver <field>` span continuing that trace. The
 * entity fetches for the event are its children. One span per upstream event, however many
 * clients share it.
 */
export function deliverTraced(
  event: ExecutionResult,
  delivery: Delivery,
  resolve: (event: ExecutionResult) => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  const { event: own, carried } = withoutTraceContext(event);
  if (!tracingActive()) return resolve(own);
  const field = rootFieldName(delivery.document, delivery.operationName);
  return inSpan(
    TRACER,
    `deliver ${field}`,
    {
      attributes: {
        'graphql.operation.type': 'subscription',
        'graphql.field.name': field,
        'plantgraph.subgraph': delivery.subgraph,
        'plantgraph.subscription.clients': delivery.clients,
      },
      ...(carried ? { parent: contextFromHeaders(carried) } : {}),
    },
    () => resolve(own),
  );
}

/**
 * A subgraph's event stream without the trace extensions, for a gateway that hands events on
 * as they come (the Hive Gateway option). `return` reaches the subgraph's stream at once, so an
 * ended client subscription ends the upstream one without waiting for another event.
 */
export function withoutTraceExtensions(
  source: AsyncIterable<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next() {
      const step = await iterator.next();
      return step.done ? step : { done: false, value: withoutTraceContext(step.value).event };
    },
    return: (value?: unknown) =>
      iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: undefined }),
    throw: (error?: unknown) => (iterator.throw ? iterator.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** `event` without the trace extensions, and the trace context they carried. */
function withoutTraceContext(event: ExecutionResult): {
  event: ExecutionResult;
  carried?: Record<string, string>;
} {
  const extensions = event.extensions;
  if (!extensions || !TRACE_EXTENSIONS.some((key) => key in extensions)) return { event };
  const carried: Record<string, string> = {};
  for (const key of TRACE_EXTENSIONS) {
    const value = extensions[key];
    if (typeof value === 'string') carried[key] = value;
  }
  const rest = Object.fromEntries(
    Object.entries(extensions).filter(
      ([key]) => !(TRACE_EXTENSIONS as readonly string[]).includes(key),
    ),
  );
  const own: ExecutionResult = { ...event };
  if (Object.keys(rest).length > 0) own.extensions = rest;
  else delete own.extensions;
  return { event: own, carried };
}
