/**
 * A small ERP adapter: creates a production order, releases it, downloads it to a machine and
 * follows it over the orderStatusChanged subscription until the machine completes it, printing
 * each transition as it happens. Exits 0 only when the order reached COMPLETED.
 *
 *   npm run example:erp                      # against http://localhost:4000/graphql, with the
 *                                            # demo's integrator key from .data/demo-keys.json
 *   PLANTGRAPH_URL=https://graph.example/graphql PLANTGRAPH_TOKEN=... npm run example:erp
 *   npm run example:erp -- --quantity 20 --equipment "Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01"
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPlantgraphClient } from '@plantgraph/client';
import { graphql } from './generated/index.ts';

const url = process.env.PLANTGRAPH_URL ?? 'http://localhost:4000/graphql';
/** PLANTGRAPH_TOKEN, else the integrator key `npm start` made for the demo plant. */
const token = process.env.PLANTGRAPH_TOKEN ?? demoIntegratorKey();

function demoIntegratorKey(): string | undefined {
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), '.data', 'demo-keys.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { integrator?: string }).integrator;
}
const { values: options } = parseArgs({
  options: {
    equipment: { type: 'string' },
    quantity: { type: 'string', default: '12' },
    'timeout-minutes': { type: 'string', default: '10' },
  },
});

const Machines = graphql(`
  query ErpMachines {
    assets(kind: EQUIPMENT, first: 1000) {
      edges {
        node {
          id
          path
          activeOrder {
            number
          }
          orderDownload {
            parameters {
              name
              unit
              min
              max
            }
          }
        }
      }
    }
  }
`);

const CreateOrder = graphql(`
  mutation ErpCreateOrder($input: CreateProductionOrderInput!) {
    createProductionOrder(input: $input) {
      id
      number
      status
    }
  }
`);

const ReleaseOrder = graphql(`
  mutation ErpReleaseOrder($id: ID!) {
    releaseOrder(id: $id) {
      status
    }
  }
`);

const DownloadOrder = graphql(`
  mutation ErpDownloadOrder($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {
    downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {
      status
    }
  }
`);

const OrderStatusChanged = graphql(`
  subscription ErpOrderStatusChanged($orderIds: [ID!]) {
    orderStatusChanged(orderIds: $orderIds) {
      from
      to
      reason
      actor
      changedAt
      order {
        number
        failureReason
        progress {
          good
          reject
          remaining
        }
      }
    }
  }
`);

/** Queries over HTTP, the subscription over graphql-ws, both presenting the token. */
const client = createPlantgraphClient({ url, ...(token ? { credentials: token } : {}) });

const FINAL = new Set(['COMPLETED', 'ABORTED', 'CANCELLED', 'DOWNLOAD_FAILED']);

async function main(): Promise<number> {
  const { assets } = await client.request(Machines);
  const machines = assets.edges.map((edge) => edge.node);
  const machine = options.equipment
    ? machines.find((candidate) => candidate.path === options.equipment)
    : (machines.find((candidate) => candidate.orderDownload && !candidate.activeOrder) ??
      machines.find((candidate) => candidate.orderDownload));
  if (!machine?.orderDownload) {
    console.error(
      `No machine with an order interface${options.equipment ? ` at ${options.equipment}` : ''}`,
    );
    return 2;
  }
  const parameters = machine.orderDownload.parameters.map((limit) => ({
    name: limit.name,
    // Mid-range setpoints: always within the machine's limits.
    value: Math.round(((limit.min + limit.max) / 2) * 100) / 100,
    unit: limit.unit,
  }));
  const number = `ERP-${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}`;
  const { createProductionOrder: order } = await client.request(CreateOrder, {
    input: {
      number,
      idempotencyKey: randomUUID(),
      material: 'DEMO-PART',
      quantity: Number(options.quantity),
      assetId: machine.id,
      parameters,
    },
  });
  console.log(`${order.number}  ${order.status}  for ${machine.path}`);

  const timeoutMs = Number(options['timeout-minutes']) * 60_000;
  // Acknowledged first, so no transition is missed; then hand the order to the machine.
  const changes = client.subscribe(
    OrderStatusChanged,
    { orderIds: [order.id] },
    { acknowledge: true },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void changes.return();
  }, timeoutMs);
  try {
    await changes.subscribed;
    await client.request(ReleaseOrder, { id: order.id });
    await client.request(DownloadOrder, {
      orderId: order.id,
      equipmentId: machine.id,
      expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
    });
    for await (const { data } of changes) {
      const change = data.orderStatusChanged;
      const { good, reject } = change.order.progress;
      console.log(
        `${order.number}  ${change.from ?? '-'} → ${change.to}  by ${change.actor}` +
          `${change.reason ? ` (${change.reason})` : ''}  good ${good}, reject ${reject}`,
      );
      if (FINAL.has(change.to)) return change.to === 'COMPLETED' ? 0 : 1;
    }
    throw new Error(timedOut ? 'timed out waiting for the order' : 'the subscription ended');
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
