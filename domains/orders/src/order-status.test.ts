import { describe, expect, it } from 'vitest';
import { IllegalTransition, OrderConflict } from './order-errors.ts';
import {
  assertEditable,
  assertTransition,
  canTransition,
  ProductionOrderStatus,
} from './order-status.ts';

describe('the order status machine', () => {
  it('allows exactly the documented transitions', () => {
    const legal = new Set([
      'CREATED>RELEASED',
      'CREATED>CANCELLED',
      'RELEASED>DOWNLOADING',
      'RELEASED>CANCELLED',
      'DOWNLOADING>DOWNLOADED',
      'DOWNLOADING>DOWNLOAD_FAILED',
      'DOWNLOADED>RUNNING',
      'DOWNLOADED>ABORTED',
      'DOWNLOADED>CANCELLED',
      'RUNNING>COMPLETED',
      'RUNNING>ABORTED',
      'DOWNLOAD_FAILED>RELEASED',
      'DOWNLOAD_FAILED>CANCELLED',
    ]);
    const statuses = Object.values(ProductionOrderStatus);
    for (const from of statuses) {
      for (const to of statuses) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(legal.has(`${from}>${to}`));
      }
    }
  });

  it('names both states and the way out when it refuses a step', () => {
    const { DOWNLOADED, COMPLETED, RUNNING } = ProductionOrderStatus;
    expect(() => assertTransition(DOWNLOADED, COMPLETED)).toThrow(
      new IllegalTransition(DOWNLOADED, COMPLETED, [RUNNING, 'ABORTED', 'CANCELLED']),
    );
    expect(() => assertTransition(COMPLETED, RUNNING)).toThrow(
      'Cannot change a production order from COMPLETED to RUNNING (COMPLETED is final)',
    );
  });

  it('lets an order be edited only before it goes to the machine', () => {
    expect(() => assertEditable(ProductionOrderStatus.CREATED)).not.toThrow();
    expect(() => assertEditable(ProductionOrderStatus.RELEASED)).not.toThrow();
    expect(() => assertEditable(ProductionOrderStatus.DOWNLOADING)).toThrow(OrderConflict);
  });
});
