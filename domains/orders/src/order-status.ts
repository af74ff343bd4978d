import { IllegalTransition, OrderConflict } from './order-errors.ts';

/** Lifecycle of a production order, from planning to its end on the machine. */
export enum ProductionOrderStatus {
  CREATED = 'CREATED',
  RELEASED = 'RELEASED',
  DOWNLOADING = 'DOWNLOADING',
  DOWNLOADED = 'DOWNLOADED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  ABORTED = 'ABORTED',
  CANCELLED = 'CANCELLED',
  DOWNLOAD_FAILED = 'DOWNLOAD_FAILED',
}

const {
  CREATED,
  RELEASED,
  DOWNLOADING,
  DOWNLOADED,
  RUNNING,
  COMPLETED,
  ABORTED,
  CANCELLED,
  DOWNLOAD_FAILED,
} = ProductionOrderStatus;

/**
 * The legal next states of each state. A failed recipe download may be retried (back to
 * RELEASED); a downloaded order can be withdrawn from the machine (ABORTED) or cancelled; once
 * it runs it can only complete or abort. COMPLETED, ABORTED and CANCELLED are final.
 */
export const orderTransitions: Readonly<
  Record<ProductionOrderStatus, readonly ProductionOrderStatus[]>
> = {
  [CREATED]: [RELEASED, CANCELLED],
  [RELEASED]: [DOWNLOADING, CANCELLED],
  [DOWNLOADING]: [DOWNLOADED, DOWNLOAD_FAILED],
  [DOWNLOADED]: [RUNNING, ABORTED, CANCELLED],
  [RUNNING]: [COMPLETED, ABORTED],
  [DOWNLOAD_FAILED]: [RELEASED, CANCELLED],
  [COMPLETED]: [],
  [ABORTED]: [],
  [CANCELLED]: [],
};

/** Whether an order may go from `from` to `to` in one step. */
export function canTransition(from: ProductionOrderStatus, to: ProductionOrderStatus): boolean {
  return orderTransitions[from].includes(to);
}

/** Throws IllegalTransition, naming both states, unless `from` → `to` is a legal step. */
export function assertTransition(from: ProductionOrderStatus, to: ProductionOrderStatus): void {
  if (canTransition(from, to)) return;
  throw new IllegalTransition(from, to, orderTransitions[from]);
}

/** States in which an order's data may still change: it has not gone to the machine yet. */
export const editableStatuses: readonly ProductionOrderStatus[] = [CREATED, RELEASED];

/** Throws OrderConflict unless an order in `status` may still be edited. */
export function assertEditable(status: ProductionOrderStatus): void {
  if (editableStatuses.includes(status)) return;
  throw new OrderConflict(
    `A production order in status ${status} cannot be changed (only ${editableStatuses.join(' or ')})`,
  );
}

/** Orders in these states occupy their equipment: no second order may be downloaded to it. */
export const occupyingStatuses: readonly ProductionOrderStatus[] = [
  DOWNLOADING,
  DOWNLOADED,
  RUNNING,
];
