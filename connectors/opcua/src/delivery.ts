/** Switches the source off and on; for OPC UA, the subscriptions' publishing mode. */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

export interface DeliveryLimits {
  /** Pending deliveries at which the source is paused. */
  high: number;
  /** Pending deliveries at which a paused source is resumed. */
  low: number;
}

/**
 * Runs deliveries one at a time in arrival order (the mapper's counters and alarm edges depend on
 * order) and pauses the source while too many wait, so a slow sink holds data back at the server
 * instead of in this process. What arrives after the pause — notifications already in flight —
 * is still delivered; the high mark bounds memory, not the exact count.
 */
export class SerialDelivery {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #paused = false;

  constructor(
    private readonly limits: DeliveryLimits,
    private readonly flow: FlowControl,
    private readonly onError: (error: unknown) => void,
  ) {}

  get pending(): number {
    return this.#pending;
  }

  /** Queues `task` behind every delivery pushed before it. */
  push(task: () => Promise<void>): void {
    this.#pending++;
    if (!this.#paused && this.#pending >= this.limits.high) {
      this.#paused = true;
      this.flow.pause();
    }
    this.#tail = this.#tail
      .then(task)
      .catch(this.onError)
      .finally(() => this.#settled());
  }

  /** Resolves once every delivery pushed so far has finished. */
  idle(): Promise<void> {
    return this.#tail;
  }

  #settled(): void {
    this.#pending--;
    if (this.#paused && this.#pending <= this.limits.low) {
      this.#paused = false;
      this.flow.resume();
    }
  }
}
