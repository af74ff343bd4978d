import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { DownloadConfig } from '@plantgraph/ingest';
import {
  applyMachineReport,
  claimDownloadAttempt,
  ordersOnMachines,
  pendingDownloads,
  ProductionOrderStatus,
  recordMachineCounters,
  scheduleDownloadRetry,
  setpointsOf,
  settleDownloadCommand,
  type MachineReport,
  type OrderOnMachine,
  type PendingDownload,
} from '@plantgraph/orders-domain';
import type { MachineOrderProgress, OrderChannel } from './order-channel.ts';

/** A machine this process can send orders to. */
export interface DownloadTarget {
  assetId: string;
  config: DownloadConfig;
  channel: OrderChannel;
}

export interface OrderDispatcherOptions {
  sql: Sql;
  events?: EventBus;
  logger: Logger;
  targets: DownloadTarget[];
  /** How often pending commands and running orders are looked at besides bus wake-ups. */
  pollMs?: number;
}

const { DOWNLOADING, DOWNLOADED, DOWNLOAD_FAILED, RUNNING, COMPLETED } = ProductionOrderStatus;

/**
 * Carries out order downloads for the machines of this process and follows those orders on the
 * machine. The database is the queue: `downloadOrder` records a command and announces it on the
 * bus, which only wakes the dispatcher; a poll finds anything a missed message or a restart left
 * behind. Each attempt is claimed in the database first, so two processes never send one
 * attempt twice, and the command id lets the machine ignore a repeat (an attempt whose answer
 * was lost comes back as "duplicate", which counts as acknowledged).
 */
export class OrderDispatcher {
  readonly #options: OrderDispatcherOptions;
  readonly #targets: Map<string, DownloadTarget>;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(options: OrderDispatcherOptions) {
    this.#options = options;
    this.#targets = new Map(options.targets.map((target) => [target.assetId, target]));
    this.#log = options.logger.child({ component: 'order-dispatcher' });
  }

  async start(): Promise<void> {
    if (this.#targets.size === 0) return;
    this.#unsubscribe = await this.#options.events?.onCommand('orderDownload', (command) => {
      if (this.#targets.has(command.equipmentId)) this.wake();
    });
    this.#timer = setInterval(() => this.wake(), this.#options.pollMs ?? 500);
    this.wake();
  }

  /** Looks at pending commands and active orders now (or right after the current round). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#round()
      .catch((error: unknown) => this.#log.error({ err: error }, 'order dispatch round failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #round(): Promise<void> {
    const equipment = [...this.#targets.keys()];
    const { sql } = this.#options;
    for (const command of await pendingDownloads(sql, equipment)) await this.#attempt(command);
    for (const order of await ordersOnMachines(sql, equipment)) await this.#follow(order);
  }

  async #attempt(command: PendingDownload): Promise<void> {
    const target = this.#targets.get(command.equipment_id);
    if (!target) return;
    const { sql } = this.#options;
    const log = this.#log.child({ order: command.number, command: command.id });
    if (command.status !== DOWNLOADING) {
      await settleDownloadCommand(sql, {
        id: command.id,
        state: 'FAILED',
        error: `the order is ${command.status}, not DOWNLOADING`,
      });
      return;
    }
    if (command.expires_at && command.expires_at.getTime() <= Date.now()) {
      await this.#fail(
        command,
        `the command expired at ${command.expires_at.toISOString()} before the machine acknowledged it`,
      );
      return;
    }
    if (!(await claimDownloadAttempt(sql, command))) return;
    const attempt = command.attempts + 1;
    const parameters = await setpointsOf(sql, command.order_id);
    const { config, channel } = target;
    try {
      const ack = await channel.download(
        {
          commandId: command.id,
          number: command.number,
          material: command.material,
          quantity: command.quantity,
          parameters,
        },
        config.ackTimeoutMs,
      );
      if (ack.status === 'rejected') {
        log.warn({ reason: ack.reason }, 'the machine rejected the order');
        await this.#fail(
          command,
          `the machine rejected the order: ${ack.reason ?? 'no reason given'}`,
        );
        return;
      }
      log.info({ attempt, ack: ack.status }, 'order acknowledged by the machine');
      await this.#report({
        orderId: command.order_id,
        from: DOWNLOADING,
        to: DOWNLOADED,
        command: { id: command.id, state: 'ACKNOWLEDGED', error: null },
        reason:
          ack.status === 'duplicate'
            ? `the machine already had command ${command.id}`
            : `acknowledged by the machine (attempt ${attempt})`,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (attempt >= config.maxAttempts) {
        log.warn({ err: error, attempt }, 'order download failed for good');
        await this.#fail(command, `no acknowledgement after ${attempt} attempts: ${message}`);
        return;
      }
      const delay = config.retryBackoffMs * 2 ** (attempt - 1);
      log.warn({ err: error, attempt, retryInMs: delay }, 'order download attempt failed');
      await scheduleDownloadRetry(sql, command.id, message, delay);
    }
  }

  async #fail(command: PendingDownload, reason: string): Promise<void> {
    await this.#report({
      orderId: command.order_id,
      from: DOWNLOADING,
      to: DOWNLOAD_FAILED,
      reason,
      command: { id: command.id, state: 'FAILED', error: reason },
    });
  }

  /**
   * Applies a machine's report through the orders domain. A report the status machine forbids
   * for the order's current state is not written (see applyMachineReport); it is worth a warning
   * because it means the machine and the order disagree. A stale one is a lost race, not news.
   */
  async #report(report: MachineReport): Promise<boolean> {
    const outcome = await applyMachineReport(this.#options, report);
    if (!outcome.applied && !outcome.stale) {
      this.#log.warn(
        { order: report.orderId, from: report.from, to: report.to, reason: report.reason },
        `machine report refused: ${outcome.refused.message}`,
      );
    }
    return outcome.applied;
  }

  /** Applies what the machine reports about the order it holds: start, counts, completion. */
  async #follow(order: OrderOnMachine): Promise<void> {
    const target = this.#targets.get(order.equipment_id);
    if (!target || !order.command_id) return;
    const progress: MachineOrderProgress | null = await target.channel.progress().catch(() => null);
    if (!progress || progress.commandId !== order.command_id) return;
    let status = order.status;
    if (status === DOWNLOADED && (progress.state === 'RUNNING' || progress.state === 'COMPLETE')) {
      const started = await this.#report({
        orderId: order.id,
        from: DOWNLOADED,
        to: RUNNING,
        reason: 'started on the machine',
      });
      if (started) status = RUNNING;
    }
    if (progress.good !== order.produced_good || progress.reject !== order.produced_reject) {
      await recordMachineCounters(this.#options.sql, order.id, progress);
    }
    if (status === RUNNING && progress.state === 'COMPLETE') {
      await this.#report({
        orderId: order.id,
        from: RUNNING,
        to: COMPLETED,
        reason: `completed on the machine: ${progress.good} good, ${progress.reject} rejected`,
      });
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#unsubscribe?.().catch(() => undefined);
    await this.#running;
    await Promise.allSettled([...this.#targets.values()].map((target) => target.channel.close()));
  }
}
