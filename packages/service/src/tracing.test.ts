import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ConfigError } from '@plantgraph/config';
import { describe, expect, it } from 'vitest';
import {
  inSpan,
  installTracing,
  startTracing,
  traceHeaders,
  tracingActive,
  tracingConfigured,
} from './tracing.ts';

describe('tracingConfigured', () => {
  it('is off without OTEL_* variables, and on with an endpoint or an exporter', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(
      tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }),
    ).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });

  it('stays off when the SDK is disabled or the exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingConfigured({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('names the variable of a value it cannot use', () => {
    const grpc = () =>
      tracingConfigured({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
    expect(grpc).toThrow(ConfigError);
    expect(grpc).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL/,
    );
    expect(() => tracingConfigured({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER/,
    );
  });
});

describe('tracing off', () => {
  it('starts nothing, records nothing and adds no headers', async () => {
    expect(await startTracing('plantgraph-test', {})).toBeUndefined();
    expect(tracingActive()).toBe(false);
    const seen = await inSpan('test', 'work', {}, (span) => Promise.resolve(span));
    expect(seen).toBeUndefined();
    expect(traceHeaders()).toEqual({});
  });
});

describe('tracing on', () => {
  it('records spans, marks a failed one, and propagates W3C trace context', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await installTracing({
      serviceName: 'plantgraph-test',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    try {
      const headers = await inSpan('test', 'outer', {}, () =>
        inSpan('test', 'inner', {}, () => Promise.resolve(traceHeaders())),
      );
      await expect(
        inSpan('test', 'failing', {}, () => Promise.reject(new Error('no database'))),
      ).rejects.toThrow('no database');

      const [inner, outer, failing] = exporter.getFinishedSpans();
      expect([inner?.name, outer?.name, failing?.name]).toEqual(['inner', 'outer', 'failing']);
      expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
      expect(headers.traceparent).toBe(
        `00-${inner!.spanContext().traceId}-${inner!.spanContext().spanId}-01`,
      );
      expect(failing?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no database' });
      expect(outer?.resource.attributes['service.name']).toBe('plantgraph-test');
    } finally {
      await tracing.shutdown();
    }
    expect(tracingActive()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
