import type { EventBus, PlantEvent } from '@plantgraph/bus';
import type { Logger } from '@plantgraph/config';
import type { IngestRecord } from '@plantgraph/ingest';

/**
 * Puts every stored change on the event bus, in the order the writer committed it. Records carry
 * the tag name and asset path their mapping resolved, so publishing asks the database nothing;
 * a renamed tag or asset shows in events once the mapping is resolved again (a restart).
 */
export class EventPublisher {
  constructor(
    private readonly bus: Pick<EventBus, 'publish'>,
    private readonly logger: Logger,
  ) {}

  /** Called with each committed batch; hands its events to the bus, which sends them in order. */
  publish(records: readonly IngestRecord[]): void {
    try {
      for (const record of records) {
        const event = toEvent(record);
        if (event) this.bus.publish(event);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish events');
    }
  }
}

/** The event of a stored record; none for a record spooled without its place (an old spool). */
function toEvent(record: IngestRecord): PlantEvent | undefined {
  if (record.assetPath === '') return undefined;
  const { assetId, assetPath } = record;
  const time = record.time.toISOString();
  switch (record.kind) {
    case 'datapoint': {
      const { tag, tagId, value, text, quality } = record;
      return { type: 'tagValue', tag, assetId, assetPath, tagId, time, value, text, quality };
    }
    case 'state':
      return {
        type: 'state',
        assetId,
        assetPath,
        time,
        state: record.state,
        reason: record.reason,
      };
    case 'counter': {
      const { counter, increment } = record;
      return { type: 'counter', assetId, assetPath, time, counter, increment };
    }
    case 'alarm': {
      const { code, active, severity, message } = record;
      return { type: 'alarm', assetId, assetPath, time, code, active, severity, message };
    }
  }
}
