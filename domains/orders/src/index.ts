/**
 * The orders domain: production orders, their setpoints, status history, download targets and
 * the download and abort commands to machines; the status machine every change goes through; the
 * events it emits. No GraphQL here: the orders subgraph and the connector runtime are adapters
 * over it.
 */
export {
  applyMachineReport,
  MACHINE_ACTOR,
  type MachineReport,
  type MachineReportOutcome,
} from './machine-reports.ts';
export { abortOrder, type AbortOutcome, type AbortRequest } from './order-abort.ts';
export {
  claimDownloadAttempt,
  machineCommandsOf,
  machinesWithWork,
  ordersOnMachines,
  pendingDownloads,
  provisionDownloadTargets,
  recordMachineCounters,
  scheduleDownloadRetry,
  setpointsOf,
  settleDownloadCommand,
  type DownloadCommandState,
  type DownloadSettlement,
  type DownloadTargetSpec,
  type MachineCommandKind,
  type MachineCommandRow,
  type OrderOnMachine,
  type PendingDownload,
} from './download-commands.ts';
export {
  assertWithinLimits,
  downloadOrder,
  type DownloadedOrder,
  type DownloadRequest,
  type SetpointLimit,
} from './order-download.ts';
export {
  AssetNotFound,
  IllegalTransition,
  InvalidOrderInput,
  OrderChangedConcurrently,
  OrderConflict,
  OrderDomainError,
  OrderNotFound,
  RecordNotFound,
} from './order-errors.ts';
export { publishStatusChange, type OrderStatusStep } from './order-events.ts';
export {
  requireId,
  type NewOrderInput,
  type OrderChangesInput,
  type SetpointInput,
} from './order-input.ts';
export {
  createOrder,
  updateOrder,
  type CreatedOrder,
  type CreateOrderOptions,
  type UpdateOrderOptions,
} from './order-planning.ts';
export { progressOf, type OrderProgress, type ProgressSource } from './order-progress.ts';
export {
  activeOrdersOfAssets,
  assetsOfOrders,
  downloadTargetsOf,
  findOrders,
  listOrders,
  ordersOfAssets,
  setpointsOfOrders,
  statusHistories,
  type AssetOrdersKey,
  type AssetScope,
  type DownloadTargetRow,
  type OrderListFilter,
  type OrderSetpointRow,
  type OrderStatusChangeRow,
  type ProductionOrderRow,
} from './order-queries.ts';
export {
  assertEditable,
  assertTransition,
  canTransition,
  editableStatuses,
  occupyingStatuses,
  orderTransitions,
  ProductionOrderStatus,
} from './order-status.ts';
export { transitionOrder, type OrderTransition } from './order-transition.ts';
export type { OrderAccess, OrdersDatabase, PlanningDatabase } from './orders-database.ts';
export { orderMaterialJoin } from './order-fragments.ts';
