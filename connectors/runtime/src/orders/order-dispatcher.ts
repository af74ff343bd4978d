import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { DownloadConfig } from '@plantgraph/ingest';
import {
  applyMachineReport,
  claimDownloadAttempt,
  machinesWithWork,
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
import type { CommandAck, MachineOrderProgress, OrderChannel } from './order-channel.ts';

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

const { DOWNLOADING, DOWNLOADED, DOWNLOAD_FAILED, RUNNING, COMPLETED, ABORTED } =
  ProductionOrderStatus;

/** One machine's work in progress: at most one round at a time, another asked for meanwhile. */
interface MachineRound {
  running?: Promise<void>;
  again: boolean;
}

/**
 * Carries out order downloads and aborts for the machines of this process and follows those
 * orders on the machine. The database is the queue: `downloadOrder` and `abortOrder` record a
 * command and announce it on the bus, which only wakes the dispatcher; a poll finds anything a
 * missed message or a restart left behind. Each attempt is claimed in the database first, so two
 * processes never send one attempt twice, and the command id lets the machine ignore a repeat
 * (an attempt whose answer was lost comes back as "duplicate", which counts as acknowledged).
 *
 * Every machine has a round of its own: its commands go out one after another, oldest first, and
 * a machine that does not answer holds up only itself, never another machine's downloads. The
 * concurrency is bounded by the machines of the process: each has at most one command in flight.
 */
export class OrderDispatcher {
  readonly #options: OrderDispatcherOptions;
  readonly #targets: Map<string, DownloadTarget>;
  readonly #rounds = new Map<string, MachineRound>();
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>)[] = [];
  #polling: Promise<void> | undefined;
  #stopped = false;

  constructor(options: OrderDispatcherOptions) {
    this.#options = options;
    this.#targets = new Map(options.targets.map((target) => [target.assetId, target]));
    for (const assetId of this.#targets.keys()) this.#rounds.set(assetId, { again: false });
    this.#log = options.logger.child({ component: 'order-dispatcher' });
  }

  /** Machines it sends commands to. */
  get machines(): number {
    return this.#targets.size;
  }

  async start(): Promise<void> {
    if (this.#targets.size === 0) return;
    const { events } = this.#options;
    if (events) {
      const wakeOwn = (command: { equipmentId: string }) => this.#wakeMachine(command.equipmentId);
      this.#unsubscribe = await Promise.all([
        events.onCommand('orderDownload', wakeOwn),
        events.onCommand('orderAbort', wakeOwn),
      ]);
    }
    this.#timer = setInterval(() => this.wake(), this.#options.pollMs ?? 500);
    this.wake();
  }

  /** Looks for machines with pending commands or active orders now, and wakes their rounds. */
  wake(): void {
    if (this.#stopped || this.#polling) return;
    this.#polling = machinesWithWork(this.#options.sql, [...this.#targets.keys()])
      .then((machines) => machines.forEach((assetId) => this.#wakeMachine(assetId)))
      .catch((error: unknown) => this.#log.error({ err: error }, 'order dispatch poll failed'))
      .finally(() => {
        this.#polling = undefined;
      });
  }

  /** Runs the machine's round now, or right after the one it is in. */
  #wakeMachine(assetId: string): void {
    const round = this.#rounds.get(assetId);
    if (!round || this.#stopped) return;
    if (round.running) {
      round.again = true;
      return;
    }
    round.running = this.#round(assetId)
      .catch((error: unknown) =>
        this.#log.error({ err: error, equipment: assetId }, 'order dispatch round failed'),
      )
      .finally(() => {
        round.running = undefined;
        if (!round.again) return;
        round.again = false;
        this.#wakeMachine(assetId);
      });
  }

  async #round(assetId: string): Promise<void> {
    const { sql } = this.#options;
    for (const command of await pendingDownloads(sql, [assetId])) {
      if (this.#stopped) return;
      await (command.kind === 'ABORT' ? this.#abort(command) : this.#attempt(command));
    }
    for (const order of await ordersOnMachines(sql, [assetId])) await this.#follow(order);
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
      await this.#retryLater(command, attempt, error, config, (reason) =>
        this.#fail(command, reason),
      );
    }
  }

  /**
   * Withdraws an order from its machine. Acknowledged, or "duplicate" (the machine had already
   * dropped it, e.g. an earlier attempt whose answer was lost): the order becomes ABORTED, with
   * `machine` as the actor and the requester named in the reason. Refused: the command fails with
   * the machine's reason and the order stays as it is. No answer: retried as downloads are.
   */
  async #abort(command: PendingDownload): Promise<void> {
    const target = this.#targets.get(command.equipment_id);
    if (!target) return;
    const { sql } = this.#options;
    const log = this.#log.child({ order: command.number, command: command.id });
    const from = command.status as ProductionOrderStatus;
    const failCommand = (error: string) =>
      settleDownloadCommand(sql, { id: command.id, state: 'FAILED', error });
    if (from !== DOWNLOADED && from !== RUNNING) {
      await failCommand(`the order is ${from}, not DOWNLOADED or RUNNING`);
      return;
    }
    if (!(await claimDownloadAttempt(sql, command))) return;
    const attempt = command.attempts + 1;
    const { config, channel } = target;
    let ack: CommandAck;
    try {
      // The schema's check makes every abort name its download.
      const orderCommandId = command.aborts_command_id ?? '';
      ack = await channel.abort({ commandId: command.id, orderCommandId }, config.ackTimeoutMs);
    } catch (error) {
      await this.#retryLater(command, attempt, error, config, failCommand);
      return;
    }
    if (ack.status === 'rejected') {
      log.warn({ reason: ack.reason }, 'the machine refused the abort');
      await failCommand(`the machine refused the abort: ${ack.reason ?? 'no reason given'}`);
      return;
    }
    log.info({ attempt, ack: ack.status }, 'order abort acknowledged by the machine');
    const done =
      ack.status === 'duplicate'
        ? `the machine had already aborted it (command ${command.id})`
        : `aborted on the machine (attempt ${attempt})`;
    const asked = command.request_reason ? `: ${command.request_reason}` : '';
    await this.#report({
      orderId: command.order_id,
      from,
      to: ABORTED,
      command: { id: command.id, state: 'ACKNOWLEDGED', error: null },
      reason: `${done}, requested by ${command.requested_by ?? 'unknown'}${asked}`,
    });
  }

  /**
   * After an attempt without an answer: the next one after `retryBackoffMs`, doubling each time,
   * or, once `maxAttempts` are spent, `giveUp` with the last error.
   */
  async #retryLater(
    command: PendingDownload,
    attempt: number,
    error: unknown,
    config: DownloadConfig,
    giveUp: (reason: string) => Promise<unknown>,
  ): Promise<void> {
    const message = (error as Error).message;
    const log = this.#log.child({ order: command.number, command: command.id, kind: command.kind });
    if (attempt >= config.maxAttempts) {
      log.warn({ err: error, attempt }, 'order command failed for good');
      await giveUp(`no acknowledgement after ${attempt} attempts: ${message}`);
      return;
    }
    const delay = config.retryBackoffMs * 2 ** (attempt - 1);
    log.warn({ err: error, attempt, retryInMs: delay }, 'order command attempt failed');
    await scheduleDownloadRetry(this.#options.sql, command.id, message, delay);
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
    await Promise.all(this.#unsubscribe.map((unsubscribe) => unsubscribe().catch(() => undefined)));
    await this.#polling;
    await Promise.all([...this.#rounds.values()].map((round) => round.running));
    await Promise.allSettled([...this.#targets.values()].map((target) => target.channel.close()));
  }
}
