import type { Sql } from '@plantgraph/db';
import type { SubgraphReplicas } from './subgraph-replicas.ts';

const PROBE_TIMEOUT_MS = 2_000;

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The gateway's readiness: every subgraph has at least one ready replica (its `/readyz`, which
 * checks the subgraph's database) and the gateway's own database answers. A subgraph URL that
 * does not answer keeps the gateway not ready; it never stops the process.
 */
export function gatewayReadiness(
  replicas: ReadonlyMap<string, SubgraphReplicas>,
  sql: Sql | undefined,
): () => Promise<boolean> {
  return async () => {
    const checks = [...replicas.values()].map(async (subgraph) => {
      const ready = await Promise.all(subgraph.readinessUrls().map(answers));
      return ready.some(Boolean);
    });
    if (sql) checks.push(sql.query('select 1').then(() => true));
    return (await Promise.all(checks)).every(Boolean);
  };
}
