import type { Express } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Process-wide metrics (CPU, memory, event loop) on a registry of our own. */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'plantgraph_' });

export interface ProbeOptions {
  /**
   * Whether the process can serve: e.g. its database answers. A check that throws is not ready,
   * and its message is the `reason` on /readyz.
   */
  ready?: () => Promise<boolean>;
  /** Further registries to expose on /metrics (ingest, connectors). */
  registries?: Registry[];
}

/**
 * Kubernetes-style probes and Prometheus metrics: `/healthz` (the process is alive), `/readyz`
 * (it can serve; 503 otherwise) and `/metrics` (text exposition format).
 */
export function mountProbes(app: Express, options: ProbeOptions = {}): void {
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const reason = await (options.ready?.() ?? Promise.resolve(true)).then(
      (ready) => (ready ? undefined : 'not ready'),
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    if (reason === undefined) response.json({ status: 'ready' });
    else response.status(503).json({ status: 'not ready', reason });
  });
  app.get('/metrics', async (_request, response) => {
    const merged = Registry.merge([processRegistry, ...(options.registries ?? [])]);
    response.type(merged.contentType).send(await merged.metrics());
  });
}

/** A readiness check that the database answers. */
export const databaseAnswers =
  (sql: { query(text: string): Promise<unknown[]> }) => async (): Promise<boolean> => {
    await sql.query('select 1');
    return true;
  };
