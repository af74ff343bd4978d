import { loadConfig } from '@plantgraph/config';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { RequestHandler } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

/**
 * OpenTelemetry tracing, off unless the standard OTEL_* variables ask for it
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/). Off means
 * no SDK is loaded, no exporter exists and nothing is sent: the spans the code starts go to the
 * API's no-op tracer, and `inSpan` does not even create those.
 *
 * The spans are written by hand (the gateway's come from @apollo/gateway) rather than by
 * auto-instrumentation: the roles run as ESM bundles whose npm imports (pg among them) would need
 * loader hooks registered before anything loads, and the embedded PGlite backend has no driver
 * an instrumentation knows. A span in `Sql` covers both backends the same way.
 */

const blankIsUnset = (value: unknown) => (value === '' ? undefined : value);

const TRACING_ENVIRONMENT = {
  OTEL_SDK_DISABLED: z
    .preprocess(blankIsUnset, z.enum(['true', 'false']).optional())
    .describe('true turns tracing off whatever else is set'),
  OTEL_TRACES_EXPORTER: z
    .preprocess(blankIsUnset, z.enum(['otlp', 'console', 'none']).optional())
    .describe('otlp (default once an endpoint is set), console or none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .preprocess(
      blankIsUnset,
      z.url({ message: 'must be a URL, e.g. http://collector:4318' }).optional(),
    )
    .describe('OTLP/HTTP base URL of a collector; traces go to <endpoint>/v1/traces'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .preprocess(
      blankIsUnset,
      z.url({ message: 'must be a URL, e.g. http://collector:4318/v1/traces' }).optional(),
    )
    .describe('full OTLP/HTTP URL for traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol(),
};

function otlpProtocol() {
  return z
    .preprocess(
      blankIsUnset,
      z
        .enum(['http/protobuf', 'http/json'], {
          message: 'must be http/protobuf or http/json (gRPC is not supported)',
        })
        .optional(),
    )
    .describe('http/protobuf (default) or http/json');
}

type TracingEnvironment = z.infer<z.ZodObject<typeof TRACING_ENVIRONMENT>>;

/** The exporter the environment asks for; undefined when tracing stays off. */
function chosenExporter(config: TracingEnvironment): 'otlp' | 'console' | undefined {
  if (config.OTEL_SDK_DISABLED === 'true' || config.OTEL_TRACES_EXPORTER === 'none') return;
  if (config.OTEL_TRACES_EXPORTER) return config.OTEL_TRACES_EXPORTER;
  const endpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint ? 'otlp' : undefined;
}

/** Whether the environment turns tracing on; throws a ConfigError naming a malformed variable. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return chosenExporter(loadConfig(TRACING_ENVIRONMENT, env)) !== undefined;
}

let recording = false;

/** True while a tracer provider of ours is registered: spans are recorded and exported. */
export const tracingActive = (): boolean => recording;

export interface Tracing {
  /** Exports what is still buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

export interface TracingSetup {
  /** `service.name` unless OTEL_SERVICE_NAME sets it. */
  serviceName: string;
  /** Where finished spans go, e.g. a BatchSpanProcessor over an OTLP exporter. */
  spanProcessors: SpanProcessor[];
}

/**
 * Registers a tracer provider for this process: the global tracer, AsyncLocalStorage context and
 * W3C Trace Context propagation. The roles call it through `startTracing`; tests pass an
 * in-memory exporter.
 */
export async function installTracing(setup: TracingSetup): Promise<Tracing> {
  const [{ NodeTracerProvider }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the role's name.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': setup.serviceName }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  // OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG are read by the provider itself.
  const provider = new NodeTracerProvider({ resource, spanProcessors: setup.spanProcessors });
  provider.register();
  recording = true;
  return {
    async shutdown() {
      recording = false;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

async function exporterFor(
  kind: 'otlp' | 'console',
  config: TracingEnvironment,
): Promise<SpanExporter> {
  if (kind === 'console') {
    const { ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-node');
    return new ConsoleSpanExporter();
  }
  const protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL;
  // Both exporters read the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*.
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

/**
 * Starts tracing for a role when the OTEL_* variables ask for it (an OTLP endpoint or
 * OTEL_TRACES_EXPORTER, and OTEL_SDK_DISABLED not true); otherwise loads nothing and returns
 * undefined. Spans leave in batches (OTEL_BSP_* tune them), off the request path.
 */
export async function startTracing(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  const config = loadConfig(TRACING_ENVIRONMENT, env);
  const kind = chosenExporter(config);
  if (!kind) return undefined;
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const exporter = await exporterFor(kind, config);
  return installTracing({ serviceName, spanProcessors: [new BatchSpanProcessor(exporter)] });
}

export interface SpanSettings {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent's context when it is not the active one, e.g. one a message carried. */
  parent?: Context;
}

/**
 * Runs `work` inside a span that is the active one for everything `work` awaits, ending it when
 * `work` settles and marking it failed when `work` throws. With tracing off it only runs `work`.
 */
export function inSpan<T>(
  tracerName: string,
  name: string,
  settings: SpanSettings,
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!recording) return work();
  const { parent = context.active(), ...options } = settings;
  return trace.getTracer(tracerName).startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records `error` on `span` and marks the span failed. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : undefined,
  });
}

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/** The trace context a caller sent in `traceparent`/`tracestate` (W3C Trace Context). */
export function contextFromHeaders(headers: IncomingHttpHeaders): Context {
  return propagation.extract(context.active(), headers, headerGetter);
}

/** `traceparent`/`tracestate` headers for the active span; empty with tracing off. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  if (recording) propagation.inject(context.active(), headers);
  return headers;
}

/**
 * Express middleware: a SERVER span for each request, child of the caller's trace context, that
 * is active for the handlers after it. Mount it after body parsing: a parser's stream callbacks
 * run in the connection's context, not the request's.
 */
export function serverSpans(tracerName: string): RequestHandler {
  return (request, response, next) => {
    if (!recording) {
      next();
      return;
    }
    const route = `${request.method} ${request.baseUrl}${request.path === '/' ? '' : request.path}`;
    const span = trace.getTracer(tracerName).startSpan(
      route,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.originalUrl },
      },
      contextFromHeaders(request.headers),
    );
    response.once('close', () => {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
