import type { MqttClient } from 'mqtt';
import {
  withTimeout,
  type AbortPayload,
  type AckStatus,
  type CommandAck,
  type DownloadPayload,
  type MachineOrderProgress,
  type OrderChannel,
} from './order-channel.ts';

const ACKS = new Set<AckStatus>(['accepted', 'duplicate', 'rejected']);
const STATES = new Set(['NONE', 'DOWNLOADED', 'RUNNING', 'COMPLETE', 'ABORTED']);

/**
 * An order interface over MQTT in UNS JSON: the order goes to `<topic>/download` and an abort
 * `{commandId, orderCommandId}` to `<topic>/abort` (QoS 1); the machine answers either with
 * `{commandId, status, reason?}` on `<topic>/ack` and reports `{commandId, state, good, reject}`
 * on `<topic>/progress` (retained).
 */
export class UnsOrderChannel implements OrderChannel {
  readonly #waiting = new Map<string, (ack: CommandAck) => void>();
  #progress: MachineOrderProgress | null = null;
  readonly #onMessage = (topic: string, payload: Buffer) => this.#receive(topic, payload);

  private constructor(
    private readonly client: MqttClient,
    private readonly topic: string,
  ) {}

  static async open(client: MqttClient, topic: string): Promise<UnsOrderChannel> {
    const channel = new UnsOrderChannel(client, topic);
    client.on('message', channel.#onMessage);
    await client.subscribeAsync([`${topic}/ack`, `${topic}/progress`], { qos: 1 });
    return channel;
  }

  download(payload: DownloadPayload, timeoutMs: number): Promise<CommandAck> {
    const message = {
      commandId: payload.commandId,
      number: payload.number,
      material: payload.material,
      quantity: payload.quantity,
      parameters: Object.fromEntries(payload.parameters.map((item) => [item.name, item.value])),
    };
    return this.#send('download', message, timeoutMs);
  }

  abort(payload: AbortPayload, timeoutMs: number): Promise<CommandAck> {
    return this.#send('abort', { ...payload }, timeoutMs);
  }

  /** Publishes a command and waits for the answer that names its command id. */
  async #send(
    leaf: 'download' | 'abort',
    message: { commandId: string },
    timeoutMs: number,
  ): Promise<CommandAck> {
    const answered = new Promise<CommandAck>((resolve) => {
      this.#waiting.set(message.commandId, resolve);
    });
    try {
      await this.client.publishAsync(`${this.topic}/${leaf}`, JSON.stringify(message), { qos: 1 });
      return await withTimeout(answered, timeoutMs, `${leaf} to ${this.topic}`);
    } finally {
      this.#waiting.delete(message.commandId);
    }
  }

  progress(): Promise<MachineOrderProgress | null> {
    return Promise.resolve(this.#progress);
  }

  #receive(topic: string, payload: Buffer): void {
    if (topic !== `${this.topic}/ack` && topic !== `${this.topic}/progress`) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    const { commandId } = message;
    if (typeof commandId !== 'string') return;
    if (topic.endsWith('/ack')) {
      const status = message.status as AckStatus;
      if (!ACKS.has(status)) return;
      const reason = typeof message.reason === 'string' ? message.reason : undefined;
      this.#waiting.get(commandId)?.({ status, ...(reason ? { reason } : {}) });
      return;
    }
    const { state, good, reject } = message;
    if (typeof state !== 'string' || !STATES.has(state)) return;
    this.#progress = {
      commandId,
      state: state as MachineOrderProgress['state'],
      good: Number(good) || 0,
      reject: Number(reject) || 0,
    };
  }

  async close(): Promise<void> {
    this.client.off('message', this.#onMessage);
    await this.client
      .unsubscribeAsync([`${this.topic}/ack`, `${this.topic}/progress`])
      .catch(() => undefined);
  }
}
