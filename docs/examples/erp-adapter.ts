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
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
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

const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

/** POSTs one typed operation; a GraphQL error ends the adapter with its message. */
async function request<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TData; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((error) => error.message).join('; '));
  if (!body.data) throw new Error(`${url} answered ${response.status} without data`);
  return body.data;
}

const FINAL = new Set(['COMPLETED', 'ABORTED', 'CANCELLED', 'DOWNLOAD_FAILED']);

async function main(): Promise<number> {
  const { assets } = await request(Machines, {});
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
  const { createProductionOrder: order } = await request(CreateOrder, {
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

  const ws = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization,
  });
  const timeoutMs = Number(options['timeout-minutes']) * 60_000;
  const finalStatus = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for the order')), timeoutMs);
    ws.subscribe(
      { query: print(OrderStatusChanged), variables: { orderIds: [order.id] } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) return reject(new Error(errors[0]!.message));
          const change = data?.orderStatusChanged as
            | {
                from: string | null;
                to: string;
                reason: string | null;
                actor: string;
                order: { progress: { good: number; reject: number } };
              }
            | undefined;
          if (!change) return;
          const { good, reject: rejected } = change.order.progress;
          console.log(
            `${order.number}  ${change.from ?? '-'} → ${change.to}  by ${change.actor}` +
              `${change.reason ? ` (${change.reason})` : ''}  good ${good}, reject ${rejected}`,
          );
          if (FINAL.has(change.to)) {
            clearTimeout(timer);
            resolve(change.to);
          }
        },
        error: reject,
        complete: () => reject(new Error('the subscription ended')),
      },
    );
  });
  // Subscribed first, so no transition is missed; then hand the order to the machine.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await request(ReleaseOrder, { id: order.id });
  await request(DownloadOrder, {
    orderId: order.id,
    equipmentId: machine.id,
    expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
  });
  try {
    const status = await finalStatus;
    return status === 'COMPLETED' ? 0 : 1;
  } finally {
    await ws.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
