import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import { pendingReplays, settleReplay, type PendingReplay } from '@plantgraph/timeseries-domain';
import type {
  IngestRecord,
  IngestSink,
  PlantConfig,
  SignalMapper,
  SourceSample,
} from '@plantgraph/ingest';
import { decodeDeadLetter } from './dead-letter-decoding.ts';

export interface DeadLetterReplayerOptions {
  sql: Sql;
  config: PlantConfig;
  mapper: SignalMapper;
  sink: IngestSink;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Carries out `replayDeadLetters` requests for the connections this process owns: decodes each
 * requested letter as its connection would have, maps it with the current mapping, writes what
 * maps (`replayed_at`) and records why the rest still fails (`replay_error`).
 */
export class DeadLetterReplayer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: DeadLetterReplayerOptions) {}

  /** Replays with another configuration's connections from now on (a new version). */
  useConfig(config: PlantConfig): void {
    this.options.config = config;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.replayPending()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'dead-letter replay failed');
        })
        .finally(() => {
          this.running = undefined;
        });
    }, this.options.intervalMs ?? 2000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Replays every pending request once; returns how many letters were handled. */
  async replayPending(): Promise<number> {
    const { sql, config } = this.options;
    const connectionIds = config.connections.map((connection) => connection.id);
    const letters = await pendingReplays(sql, connectionIds, 500);
    for (const letter of letters) await this.replay(letter);
    return letters.length;
  }

  private async replay(letter: PendingReplay): Promise<void> {
    const connection = this.options.config.connections.find((c) => c.id === letter.connection);
    const decoded = connection
      ? decodeDeadLetter(
          connection,
          letter.address,
          Buffer.from(letter.payload),
          letter.received_at,
        )
      : { ok: false as const, reason: `connection "${letter.connection}" is not configured` };
    const outcome = decoded.ok ? this.mapAll(decoded.samples) : decoded;
    if (outcome.ok) await this.options.sink.write(outcome.records);
    await settleReplay(this.options.sql, letter.id, outcome);
  }

  private mapAll(
    samples: SourceSample[],
  ): { ok: true; records: IngestRecord[] } | { ok: false; reason: string } {
    const records: IngestRecord[] = [];
    for (const sample of samples) {
      const result = this.options.mapper.map(sample);
      if (!result.ok) return result;
      records.push(...result.records);
    }
    return { ok: true, records };
  }
}
