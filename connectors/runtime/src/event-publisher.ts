import type { EventBus, PlantEvent } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { Sql } from '@plantgraph/db';
import type { IngestRecord } from '@plantgraph/ingest';

interface TagPlace {
  tag: string;
  assetId: string;
  assetPath: string;
}

/**
 * Puts every stored change on the event bus, in the order the writer committed it. Records carry
 * ids only; tag names and asset paths are looked up once per id and cached (assets and tags are
 * renamed rarely, and a renamed one is picked up after a restart).
 */
export class EventPublisher {
  readonly #tags = new Map<string, TagPlace>();
  readonly #assets = new Map<string, string>();
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Called with each committed batch; returns at once, publishing follows in order. */
  publish(records: readonly IngestRecord[]): void {
    this.#chain = this.#chain
      .then(() => this.#publish(records))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not publish events'));
  }

  /** Resolves when everything handed in so far was published. */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #publish(records: readonly IngestRecord[]): Promise<void> {
    await this.#lookUp(records);
    for (const record of records) {
      const event = this.#toEvent(record);
      if (event) this.bus.publish(event);
    }
  }

  async #lookUp(records: readonly IngestRecord[]): Promise<void> {
    const tagIds = new Set<string>();
    const assetIds = new Set<string>();
    for (const record of records) {
      if (record.kind === 'datapoint') {
        if (!this.#tags.has(record.tagId)) tagIds.add(record.tagId);
      } else if (!this.#assets.has(record.assetId)) {
        assetIds.add(record.assetId);
      }
    }
    if (tagIds.size > 0) {
      const rows = await this.sql.query<{
        id: string;
        name: string;
        asset_id: string;
        path: string;
      }>(
        `select t.id, t.name, t.asset_id, a.path from tag t join asset a on a.id = t.asset_id
          where t.id = any($1::uuid[])`,
        [[...tagIds]],
      );
      for (const row of rows) {
        this.#tags.set(row.id, { tag: row.name, assetId: row.asset_id, assetPath: row.path });
      }
    }
    if (assetIds.size > 0) {
      const rows = await this.sql.query<{ id: string; path: string }>(
        'select id, path from asset where id = any($1::uuid[])',
        [[...assetIds]],
      );
      for (const row of rows) this.#assets.set(row.id, row.path);
    }
  }

  #toEvent(record: IngestRecord): PlantEvent | undefined {
    const time = record.time.toISOString();
    if (record.kind === 'datapoint') {
      const place = this.#tags.get(record.tagId);
      if (!place) return undefined;
      const { tagId, value, text, quality } = record;
      return { type: 'tagValue', ...place, tagId, time, value, text, quality };
    }
    const assetPath = this.#assets.get(record.assetId);
    if (!assetPath) return undefined;
    const asset = { assetId: record.assetId, assetPath, time };
    switch (record.kind) {
      case 'state':
        return { type: 'state', ...asset, state: record.state, reason: record.reason };
      case 'counter':
        return { type: 'counter', ...asset, counter: record.counter, increment: record.increment };
      case 'alarm': {
        const { code, active, severity, message } = record;
        return { type: 'alarm', ...asset, code, active, severity, message };
      }
    }
  }
}
