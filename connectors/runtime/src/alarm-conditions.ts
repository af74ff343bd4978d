import type { AlarmAcknowledgeCommand, EventBus } from '@plantgraph/bus';
import {
  acknowledgeAlarm,
  ALARM_ENTITY,
  AlarmAlreadyAcknowledged,
  latestAlarmOf,
  openAlarmEvents,
  SOURCE_ACKNOWLEDGE_OPERATION,
  SOURCE_SUPERSEDED,
  SOURCE_UNAVAILABLE,
} from '@plantgraph/alarms-domain';
import type { Logger } from '@plantgraph/config';
import { appendAuditEntry, type Sql } from '@plantgraph/db';
import type {
  Connector,
  IngestSink,
  ResolvedEventMapping,
  ResolvedPlantConfig,
} from '@plantgraph/ingest';
import type { AcknowledgedAtSource, OpcuaConnector, OpenAlarm } from '@plantgraph/opcua-connector';

/*
 * The glue between OPC UA Alarms & Conditions (the connector's events mappings) and the alarms
 * domain: which stored alarms a ConditionRefresh compares, acknowledgements made on the server
 * stored through the domain's one acknowledge function, and acknowledgements made in Plantgraph
 * carried to the server's Acknowledge method with the answer in the audit log.
 */

/** The actor an acknowledgement made on the server is stored under. */
export const sourceActor = (connectionId: string) => `opcua:${connectionId}`;

/** The comment stored with an acknowledgement made on the server. */
export const ACKNOWLEDGED_AT_SOURCE = 'acknowledged on the OPC UA server';

/** The events mappings of one connection. */
export function eventMappingsOf(
  resolved: ResolvedPlantConfig,
  connectionId: string,
): ResolvedEventMapping[] {
  return (resolved.events ?? []).filter((mapping) => mapping.connection === connectionId);
}

/** Asset id → path of every asset the events mappings may raise alarms on. */
function eventAssets(mappings: readonly ResolvedEventMapping[]): Map<string, string> {
  const places = new Map<string, string>();
  for (const mapping of mappings) {
    places.set(mapping.assetId, mapping.asset);
    for (const [name, id] of Object.entries(mapping.assetIds)) {
      places.set(id, mapping.assets?.[name] ?? mapping.asset);
    }
  }
  return places;
}

/** Ids of the assets that more than one events mapping, of any connection, raises alarms on. */
function sharedEventAssets(mappings: readonly ResolvedEventMapping[]): Set<string> {
  const firstMapping = new Map<string, ResolvedEventMapping>();
  const shared = new Set<string>();
  for (const mapping of mappings) {
    for (const assetId of [mapping.assetId, ...Object.values(mapping.assetIds)]) {
      const first = firstMapping.get(assetId);
      if (!first) firstMapping.set(assetId, mapping);
      else if (first !== mapping) shared.add(assetId);
    }
  }
  return shared;
}

/**
 * The open alarms on these assets that an events mapping raised, for a ConditionRefresh to clear
 * those no condition is behind any more: every open alarm of the assets but those whose code an
 * alarm-bit mapping of the same asset owns. An asset that another events mapping covers too is
 * left out: what is open there may be the other mapping's, active on its server, and nothing
 * stored says which mapping raised it. There a refresh clears only the alarms the connector saw
 * raised since it started (docs/connectors.md).
 */
export async function openEventAlarms(
  sql: Sql,
  resolved: ResolvedPlantConfig,
  connectionId: string,
  assetIds: readonly string[],
): Promise<OpenAlarm[]> {
  const places = eventAssets(eventMappingsOf(resolved, connectionId));
  const bits = new Set(resolved.alarms.map((alarm) => `${alarm.assetId}\u0000${alarm.code}`));
  const shared = sharedEventAssets(resolved.events ?? []);
  const owned = assetIds.filter((assetId) => !shared.has(assetId));
  if (owned.length === 0) return [];
  const rows = await openAlarmEvents(sql, owned);
  return rows
    .filter((row) => !bits.has(`${row.asset_id}\u0000${row.code}`))
    .map((row) => ({
      assetId: row.asset_id,
      assetPath: places.get(row.asset_id) ?? '',
      code: row.code,
    }));
}

/**
 * Stores an acknowledgement the server reports through the domain's acknowledge function. The
 * raise may still wait in the writer, so that is made durable first; an alarm acknowledged in
 * Plantgraph already (the acknowledgement that went to the server) stays as it is.
 */
export async function acknowledgeFromSource(
  sql: Sql,
  sink: IngestSink,
  connectionId: string,
  ack: AcknowledgedAtSource,
): Promise<void> {
  await sink.durable();
  const alarmId = await latestAlarmOf(sql, ack.assetId, ack.code);
  if (!alarmId) return;
  try {
    await acknowledgeAlarm(sql, {
      alarmId,
      actor: sourceActor(connectionId),
      comment: ACKNOWLEDGED_AT_SOURCE,
    });
  } catch (error) {
    if (!(error instanceof AlarmAlreadyAcknowledged)) throw error;
  }
}

/** The comment the server gets: the operator's, and who acknowledged in Plantgraph. */
export function serverComment(command: Pick<AlarmAcknowledgeCommand, 'actor' | 'comment'>) {
  const who = `acknowledged in Plantgraph by ${command.actor}`;
  return command.comment ? `${command.comment} (${who})` : who;
}

export interface ConditionAcknowledgerOptions {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  /** The running connectors. */
  connectors: () => readonly Connector[];
  /** The resolved configuration running. */
  resolved: () => ResolvedPlantConfig;
}

const isOpcua = (connector: Connector): connector is OpcuaConnector =>
  'acknowledgeCondition' in connector;

/**
 * Carries acknowledgements made in Plantgraph to the OPC UA servers: for each `alarmAcknowledge`
 * command, every running connection with an events mapping on the alarm's asset is asked to
 * acknowledge the condition behind it; the one that knows it calls Acknowledge, and the answer
 * (Good, or the server's status code) is appended to the audit log under the operator's name.
 */
export class ConditionAcknowledger {
  readonly #options: ConditionAcknowledgerOptions;
  readonly #log: Logger;
  #unsubscribe: (() => Promise<void>) | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(options: ConditionAcknowledgerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'condition-acknowledger' });
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.#options.events.onCommand('alarmAcknowledge', (command) => {
      this.#tail = this.#tail
        .then(() => this.acknowledge(command))
        .catch((error: unknown) =>
          this.#log.error({ err: error, alarm: command.alarmId }, 'acknowledging on the server'),
        );
    });
  }

  async stop(): Promise<void> {
    await this.#unsubscribe?.();
    await this.#tail;
  }

  /** Carries one acknowledgement to the server behind the alarm, if any; audits the answer. */
  async acknowledge(command: AlarmAcknowledgeCommand): Promise<void> {
    const resolved = this.#options.resolved();
    const candidates = this.#options
      .connectors()
      .filter(isOpcua)
      .filter((connector) =>
        eventAssets(eventMappingsOf(resolved, connector.connectionId)).has(command.assetId),
      );
    // The server's condition stands for its newest activation: acknowledging an older alarm
    // there would acknowledge a newer one nobody has seen.
    const superseded =
      candidates.length > 0 &&
      (await latestAlarmOf(this.#options.sql, command.assetId, command.code)) !== command.alarmId;
    for (const connector of candidates) {
      const audit = (entry: { outcome: 'OK' | 'ERROR'; errorCode?: string; result: unknown }) =>
        appendAuditEntry(this.#options.sql, {
          actor: command.actor,
          operation: SOURCE_ACKNOWLEDGE_OPERATION,
          entityType: ALARM_ENTITY,
          entityId: command.alarmId,
          input: {
            connection: connector.connectionId,
            code: command.code,
            comment: command.comment,
          },
          ...entry,
        });
      if (superseded) {
        const message = `a newer ${command.code} alarm exists; the condition stands for that one`;
        await audit({ outcome: 'ERROR', errorCode: SOURCE_SUPERSEDED, result: { message } });
        return;
      }
      let result;
      try {
        result = await connector.acknowledgeCondition(
          command.assetId,
          command.code,
          serverComment(command),
        );
      } catch (error) {
        const message = (error as Error).message;
        await audit({ outcome: 'ERROR', errorCode: SOURCE_UNAVAILABLE, result: { message } });
        continue;
      }
      if (!result) continue;
      await audit({
        outcome: result.ok ? 'OK' : 'ERROR',
        errorCode: result.ok ? undefined : result.statusCode,
        result: { conditionId: result.conditionId, statusCode: result.statusCode },
      });
      return;
    }
  }
}
