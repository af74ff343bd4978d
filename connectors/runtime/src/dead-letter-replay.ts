import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type {
  IngestRecord,
  IngestSink,
  PlantConfig,
  SignalMapper,
  SourceSample,
} from '@plantgraph/ingest';
import { decodeDeadLetter } from './dead-letter-decoding.ts';

interface PendingLetter {
  id: string;
  connection: string;
  address: string;
  payload: Uint8Array;
  received_at: Date;
}

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
    const letters = await sql.query<PendingLetter>(
      `select id, connection, address, payload, received_at from dead_letter
        where replay_requested_at is not null and replayed_at is null and replay_error is null
          and connection = any($1::text[])
        order by received_at limit 500`,
      [connectionIds],
    );
    for (const letter of letters) await this.replay(letter);
    return letters.length;
  }

  private async replay(letter: PendingLetter): Promise<void> {
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
    await this.options.sql.query(
      outcome.ok
        ? 'update dead_letter set replayed_at = now(), replay_error = null where id = $1'
        : 'update dead_letter set replay_error = $2 where id = $1',
      outcome.ok ? [letter.id] : [letter.id, outcome.reason],
    );
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
