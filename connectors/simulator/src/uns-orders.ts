import { ORDER_STATES, unsOrderTopic, type OrderStateName } from '@plantgraph/demo-catalog';
import type { Logger } from '@plantgraph/config';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import {
  DOWNLOAD_STATUS,
  type DownloadStatus,
  type Machine,
  type OrderAbort,
  type OrderDownload,
} from './machine.ts';

/** What the platform publishes on `<equipment topic>/order/download`. */
const downloadMessage = z.object({
  commandId: z.string().min(1),
  number: z.string(),
  material: z.string(),
  quantity: z.number(),
  parameters: z.record(z.string(), z.number()).default({}),
});

/** What the platform publishes on `<equipment topic>/order/abort`. */
const abortMessage = z.object({
  commandId: z.string().min(1),
  orderCommandId: z.string(),
});

/** The answer on `<equipment topic>/order/ack`, once per download or abort message. */
export interface OrderAck {
  commandId: string;
  status: keyof typeof DOWNLOAD_STATUS;
  reason?: string;
}

/** Retained on `<equipment topic>/order/progress` whenever the current order moved on. */
export interface OrderProgress {
  commandId: string;
  state: Exclude<OrderStateName, 'NONE'>;
  good: number;
  reject: number;
  /** ISO 8601, the machine's time. */
  timestamp: string;
}

const STATUS_NAMES = new Map(
  Object.entries(DOWNLOAD_STATUS).map(([name, status]) => [status, name as OrderAck['status']]),
);
const STATE_NAMES = new Map(
  Object.entries(ORDER_STATES).map(([name, state]) => [state, name as OrderStateName]),
);

/** Salvages the command id from a payload that is not JSON, so the sender still gets an answer. */
const COMMAND_ID = /"commandId"\s*:\s*"([^"\\]+)"/;

/**
 * The order interface of UNS JSON machines over MQTT: downloads arrive on
 * `<prefix><equipment topic>/order/download` and aborts on `.../order/abort`, each is answered on
 * `.../order/ack` (QoS 1, not retained), and the current order's progress is retained on
 * `.../order/progress`. A payload that cannot be read is answered with `rejected` when its
 * command id can be made out, else dropped.
 */
export class UnsOrderInterface {
  #client: MqttClient;
  #prefix: string;
  #logger: Logger | undefined;
  /** Machine by its download topic. */
  #machines: Map<string, Machine>;
  /** Machine by its abort topic. */
  #aborts: Map<string, Machine>;
  /** What was last published as progress per machine, for report-by-exception. */
  #published = new Map<Machine, string>();

  constructor(
    client: MqttClient,
    machines: readonly Machine[],
    options: { unsPrefix?: string; logger?: Logger } = {},
  ) {
    this.#client = client;
    this.#prefix = options.unsPrefix ?? '';
    this.#logger = options.logger;
    this.#machines = new Map(
      machines.map((machine) => [this.#topic(machine, 'download'), machine]),
    );
    this.#aborts = new Map(machines.map((machine) => [this.#topic(machine, 'abort'), machine]));
  }

  /** Subscribes to the download and abort topics; mqtt.js renews them on reconnect. */
  async subscribe(): Promise<void> {
    if (this.#machines.size === 0) return;
    await this.#client.subscribeAsync([...this.#machines.keys(), ...this.#aborts.keys()], {
      qos: 1,
    });
  }

  /** Takes a message from the client; those on other topics are left alone. */
  receive(topic: string, payload: Buffer): void {
    const downloadTo = this.#machines.get(topic);
    const abortAt = this.#aborts.get(topic);
    try {
      if (downloadTo) this.#download(downloadTo, payload.toString());
      if (abortAt) this.#abort(abortAt, payload.toString());
    } catch (error) {
      this.#logger?.error({ err: error, topic }, 'order command failed');
    }
  }

  /** Publishes the progress of every machine whose order changed since it was last published. */
  publishProgress(): void {
    for (const machine of this.#machines.values()) this.#publishProgress(machine);
  }

  #download(machine: Machine, text: string): void {
    const asset = machine.equipment.asset.path;
    const parsed = parse(text);
    if (!parsed.order) {
      const { reason } = parsed;
      const commandId = readCommandId(text);
      this.#logger?.warn({ asset, reason, commandId }, 'unreadable order download');
      if (commandId) this.#ack(machine, { commandId, status: 'rejected', reason });
      return;
    }
    const { order } = parsed;
    const status = machine.download(order);
    const reason =
      status === DOWNLOAD_STATUS.rejected ? (machine.rejection(order) ?? undefined) : undefined;
    this.#logger?.info({ asset, order, status, reason }, 'order download');
    this.#ack(machine, { commandId: order.commandId, status: statusName(status), reason });
    // Subscribers see DOWNLOADED even when the changeover is over by the next tick.
    if (status === DOWNLOAD_STATUS.accepted) this.#publishProgress(machine);
  }

  #abort(machine: Machine, text: string): void {
    const asset = machine.equipment.asset.path;
    const parsed = parseWith(abortMessage, text);
    if (!parsed.value) {
      const { reason } = parsed;
      const commandId = readCommandId(text);
      this.#logger?.warn({ asset, reason, commandId }, 'unreadable order abort');
      if (commandId) this.#ack(machine, { commandId, status: 'rejected', reason });
      return;
    }
    const request: OrderAbort = parsed.value;
    const status = machine.abort(request);
    const reason =
      status === DOWNLOAD_STATUS.rejected
        ? (machine.abortRejection(request) ?? undefined)
        : undefined;
    this.#logger?.info({ asset, abort: request, status, reason }, 'order abort');
    this.#ack(machine, { commandId: request.commandId, status: statusName(status), reason });
    if (status === DOWNLOAD_STATUS.accepted) this.#publishProgress(machine);
  }

  #ack(machine: Machine, ack: OrderAck): void {
    this.#publish(this.#topic(machine, 'ack'), ack, false);
  }

  #publishProgress(machine: Machine): void {
    const state = STATE_NAMES.get(machine.orderState);
    if (!state || state === 'NONE') return;
    const progress: Omit<OrderProgress, 'timestamp'> = {
      commandId: machine.activeCommandId,
      state,
      good: machine.orderGood,
      reject: machine.orderReject,
    };
    const key = JSON.stringify(progress);
    if (this.#published.get(machine) === key) return;
    this.#published.set(machine, key);
    const message: OrderProgress = { ...progress, timestamp: machine.time.toISOString() };
    this.#publish(this.#topic(machine, 'progress'), message, true);
  }

  #publish(topic: string, message: OrderAck | OrderProgress, retain: boolean): void {
    this.#client.publish(topic, JSON.stringify(message), { qos: 1, retain }, (error) => {
      if (error) this.#logger?.warn({ err: error, topic }, 'order publish failed');
    });
  }

  #topic(machine: Machine, leaf: 'download' | 'abort' | 'ack' | 'progress'): string {
    return this.#prefix + unsOrderTopic(machine.equipment.asset.path, leaf);
  }
}

/** The order in a download payload, or why there is none. */
function parse(text: string): { order: OrderDownload } | { order?: never; reason: string } {
  const parsed = parseWith(downloadMessage, text);
  return parsed.value ? { order: parsed.value } : { reason: parsed.reason };
}

/** A payload read with `schema`, or why it cannot be. */
function parseWith<T>(
  schema: z.ZodType<T>,
  text: string,
): { value: T; reason?: never } | { value?: never; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { reason: 'payload is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { value: result.data };
  const issues = result.error.issues.map(
    (issue) => `${issue.path.join('.') || 'payload'}: ${issue.message}`,
  );
  return { reason: issues.join('; ') };
}

function readCommandId(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const commandId = (json as { commandId?: unknown } | null)?.commandId;
    return typeof commandId === 'string' && commandId !== '' ? commandId : undefined;
  } catch {
    return COMMAND_ID.exec(text)?.[1];
  }
}

function statusName(status: DownloadStatus): OrderAck['status'] {
  const name = STATUS_NAMES.get(status);
  if (!name) throw new Error(`unknown download status ${status}`);
  return name;
}
