/**
 * How the dispatcher talks to one machine's order interface, whatever the protocol: hand over
 * an order or withdraw it and get the machine's answer, and read how far the machine's current
 * order has come.
 */

export interface DownloadPayload {
  /** Travels to the machine, which ignores an order whose command id it has seen. */
  commandId: string;
  number: string;
  material: string;
  quantity: number;
  parameters: { name: string; value: number }[];
}

/** Withdraws the order the machine took with `orderCommandId`. */
export interface AbortPayload {
  /** The abort's own id; a machine that already aborted the order answers "duplicate". */
  commandId: string;
  orderCommandId: string;
}

export type AckStatus = 'accepted' | 'duplicate' | 'rejected';

/** The machine's answer to a download or an abort; a rejection says why when the machine does. */
export interface CommandAck {
  status: AckStatus;
  reason?: string;
}

export type MachineOrderState = 'NONE' | 'DOWNLOADED' | 'RUNNING' | 'COMPLETE' | 'ABORTED';

export interface MachineOrderProgress {
  commandId: string;
  state: MachineOrderState;
  good: number;
  reject: number;
}

export interface OrderChannel {
  /**
   * Sends the order and resolves with the machine's answer; rejects when the machine cannot be
   * reached, a written value does not read back, or no answer comes within `timeoutMs`.
   */
  download(payload: DownloadPayload, timeoutMs: number): Promise<CommandAck>;
  /** Asks the machine to stop and drop an order it took; rejects as `download` does. */
  abort(payload: AbortPayload, timeoutMs: number): Promise<CommandAck>;
  /** The machine's current order and counters; null when it reports none or cannot be read. */
  progress(): Promise<MachineOrderProgress | null>;
  close(): Promise<void>;
}

/** Rejects with a message naming `what` when `promise` takes longer than `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
