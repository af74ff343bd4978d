export {
  callerDirectory,
  dataDir,
  describeEnvironment,
  embeddedOrDatabaseUrl,
  gatewaySecret,
  listenHost,
  listenPort,
  mqttUrl,
  requiredDatabaseUrl,
  requiredMqttUrl,
} from './environment.ts';
export { defineRole, runRole, type ProcessRole, type RunningRole } from './role.ts';
export { exitOnStartupError } from './fail-fast.ts';
export { closeOnSignals } from './shutdown.ts';
export { closeServer, createServer, listen, PortInUseError } from './http-server.ts';
export { databaseAnswers, mountProbes, processRegistry, type ProbeOptions } from './probes.ts';
export { databasePoolMetrics, type ObservablePool } from './pool-metrics.ts';
export {
  contextFromHeaders,
  failSpan,
  inSpan,
  installTracing,
  serverSpans,
  startTracing,
  traceHeaders,
  tracingActive,
  tracingConfigured,
  type SpanSettings,
  type Tracing,
  type TracingSetup,
} from './tracing.ts';
