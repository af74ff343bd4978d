import { writePuback, type PacketStream } from './manual-puback.ts';

interface Pending {
  messageId: number;
  receivedAt: number;
  durable: boolean;
}

/**
 * The QoS 1 messages received on one connection (one socket) and not acknowledged yet, in the
 * order they arrived. A message is acknowledged once its records are durable and every message
 * before it has been acknowledged: MQTT 3.1.1 §4.6 and MQTT 5 §4.6 require PUBACKs in the order
 * of the PUBLISHes. So several messages can wait for one batch of the writer while the next
 * packets are read, and nothing is acknowledged ahead of a message that is not stored yet.
 */
export class AcknowledgementQueue {
  readonly stream: PacketStream;
  readonly #onFailure: (error: Error) => void;
  readonly #now: () => number;
  #pending: Pending[] = [];
  #abandoned = false;
  readonly #drainWaiters: (() => void)[] = [];

  /** `onFailure` is called when a message cannot be stored; the caller drops the connection. */
  constructor(stream: PacketStream, onFailure: (error: Error) => void, now = Date.now) {
    this.stream = stream;
    this.#onFailure = onFailure;
    this.#now = now;
  }

  /** Messages received and not acknowledged. */
  get pending(): number {
    return this.#pending.length;
  }

  /** How long the oldest unacknowledged message has waited, in ms (0 when none waits). */
  oldestWaitMs(): number {
    const oldest = this.#pending[0];
    return oldest ? this.#now() - oldest.receivedAt : 0;
  }

  /** Acknowledges `messageId` when `durable` resolves and everything before it is acknowledged. */
  add(messageId: number, durable: Promise<void>): void {
    if (this.#abandoned) return;
    const entry: Pending = { messageId, receivedAt: this.#now(), durable: false };
    this.#pending.push(entry);
    durable.then(
      () => {
        entry.durable = true;
        this.#acknowledge();
      },
      (error: Error) => {
        if (!this.#abandoned) this.#onFailure(error);
      },
    );
  }

  /** Forgets every pending message: the connection is gone and the broker redelivers them. */
  abandon(): void {
    this.#abandoned = true;
    this.#pending = [];
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  /** Resolves once nothing is pending (acknowledged or abandoned). */
  drained(): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #acknowledge(): void {
    if (this.#abandoned) return;
    let sent = 0;
    for (const entry of this.#pending) {
      if (!entry.durable) break;
      writePuback(this.stream, entry.messageId);
      sent += 1;
    }
    if (sent > 0) this.#pending.splice(0, sent);
    if (this.#pending.length === 0) for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }
}
