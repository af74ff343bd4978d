import type { EventBus } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { DownloadConfig } from '@plantgraph/ingest';
import { applyMachineTransition } from './machine-transitions.ts';
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

interface PendingCommand {
  id: string;
  order_id: string;
  equipment_id: string;
  expires_at: Date | null;
  attempts: number;
  status: string;
  number: string;
  material: string;
  quantity: number;
}

interface ActiveOrder {
  id: string;
  status: 'DOWNLOADED' | 'RUNNING';
  equipment_id: string;
  command_id: string | null;
  produced_good: number;
  produced_reject: number;
}

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
    const commands = await this.#options.sql.query<PendingCommand>(
      `select c.id, c.order_id, c.equipment_id, c.expires_at, c.attempts, o.status::text as status,
              o.number, o.material, o.quantity
         from download_command c join production_order o on o.id = c.order_id
        where c.state = 'PENDING' and c.next_attempt_at <= clock_timestamp()
          and c.equipment_id = any($1::uuid[])
        order by c.created_at
        limit 50`,
      [equipment],
    );
    for (const command of commands) await this.#attempt(command);
    const orders = await this.#options.sql.query<ActiveOrder>(
      `select o.id, o.status::text as status, o.equipment_id, o.produced_good, o.produced_reject,
              (select c.id from download_command c
                where c.order_id = o.id and c.state = 'ACKNOWLEDGED'
                order by c.created_at desc limit 1) as command_id
         from production_order o
        where o.status in ('DOWNLOADED', 'RUNNING') and o.equipment_id = any($1::uuid[])`,
      [equipment],
    );
    for (const order of orders) await this.#follow(order);
  }

  async #attempt(command: PendingCommand): Promise<void> {
    const target = this.#targets.get(command.equipment_id);
    if (!target) return;
    const { sql } = this.#options;
    const log = this.#log.child({ order: command.number, command: command.id });
    if (command.status !== 'DOWNLOADING') {
      await this.#finish(command.id, 'FAILED', `the order is ${command.status}, not DOWNLOADING`);
      return;
    }
    if (command.expires_at && command.expires_at.getTime() <= Date.now()) {
      await this.#fail(
        command,
        `the command expired at ${command.expires_at.toISOString()} before the machine acknowledged it`,
      );
      return;
    }
    // Claim the attempt: only one process (or round) gets to send attempt n.
    const claimed = await sql.query(
      `update download_command set attempts = attempts + 1
        where id = $1 and state = 'PENDING' and attempts = $2 returning id`,
      [command.id, command.attempts],
    );
    if (claimed.length === 0) return;
    const attempt = command.attempts + 1;
    const parameters = await sql.query<{ name: string; value: number }>(
      'select name, value from production_order_parameter where order_id = $1 order by position',
      [command.order_id],
    );
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
      await applyMachineTransition(sql, this.#options.events, {
        orderId: command.order_id,
        from: 'DOWNLOADING',
        to: 'DOWNLOADED',
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
      await sql.query(
        `update download_command
            set last_error = $2, next_attempt_at = clock_timestamp() + $3 * interval '1 millisecond'
          where id = $1 and state = 'PENDING'`,
        [command.id, message, delay],
      );
    }
  }

  async #fail(command: PendingCommand, reason: string): Promise<void> {
    await applyMachineTransition(this.#options.sql, this.#options.events, {
      orderId: command.order_id,
      from: 'DOWNLOADING',
      to: 'DOWNLOAD_FAILED',
      reason,
      set: { failure_reason: reason },
      command: { id: command.id, state: 'FAILED', error: reason },
    });
  }

  async #finish(id: string, state: 'ACKNOWLEDGED' | 'FAILED', error: string | null): Promise<void> {
    await this.#options.sql.query(
      `update download_command
          set state = $2::download_command_state, last_error = coalesce($3, last_error),
              finished_at = clock_timestamp()
        where id = $1 and state = 'PENDING'`,
      [id, state, error],
    );
  }

  /** Applies what the machine reports about the order it holds: start, counts, completion. */
  async #follow(order: ActiveOrder): Promise<void> {
    const target = this.#targets.get(order.equipment_id);
    if (!target || !order.command_id) return;
    const progress: MachineOrderProgress | null = await target.channel.progress().catch(() => null);
    if (!progress || progress.commandId !== order.command_id) return;
    const { sql, events } = this.#options;
    let status = order.status;
    if (
      status === 'DOWNLOADED' &&
      (progress.state === 'RUNNING' || progress.state === 'COMPLETE')
    ) {
      const started = await applyMachineTransition(sql, events, {
        orderId: order.id,
        from: 'DOWNLOADED',
        to: 'RUNNING',
        reason: 'started on the machine',
        set: { started_at: new Date() },
      });
      if (started) status = 'RUNNING';
    }
    if (progress.good !== order.produced_good || progress.reject !== order.produced_reject) {
      await sql.query(
        `update production_order set produced_good = $2, produced_reject = $3
          where id = $1 and status in ('DOWNLOADED', 'RUNNING')`,
        [order.id, progress.good, progress.reject],
      );
    }
    if (status === 'RUNNING' && progress.state === 'COMPLETE') {
      await applyMachineTransition(sql, events, {
        orderId: order.id,
        from: 'RUNNING',
        to: 'COMPLETED',
        reason: `completed on the machine: ${progress.good} good, ${progress.reject} rejected`,
        set: { completed_at: new Date() },
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
