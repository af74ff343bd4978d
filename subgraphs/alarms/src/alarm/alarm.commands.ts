import {
  ConflictError,
  NotFoundError,
  parseId,
  requireOwnedInScope,
  type GraphContext,
} from '@plantgraph/graph';
import {
  acknowledgeAlarm,
  AlarmAlreadyAcknowledged,
  AlarmNotFound,
  assetsOfAlarms,
} from '@plantgraph/alarms-domain';
import { Alarm } from './alarm.type.ts';

/**
 * Acknowledges an alarm as the caller, within the caller's sites. Refusals name the alarm as the
 * caller wrote it: NOT_FOUND when unknown, CONFLICT when someone acknowledged it before. Once
 * stored, the connectors are told: an alarm from an OPC UA condition is acknowledged on its
 * server too (docs/connectors.md, Alarms & Conditions events).
 */
export async function acknowledge(
  context: GraphContext,
  id: string,
  comment: string | null,
): Promise<Alarm> {
  const alarmId = parseId(id, 'id', 'Alarm');
  const actor = context.identity.subject;
  try {
    const row = await acknowledgeAlarm(
      context.sql,
      { alarmId, actor, comment },
      { alarm: (alarm, field) => requireOwnedInScope(context, assetsOfAlarms, alarm, field) },
    );
    context.events?.publishCommand({
      kind: 'alarmAcknowledge',
      alarmId,
      assetId: row.asset_id,
      code: row.code,
      actor,
      comment,
    });
    return Alarm.fromRow(row);
  } catch (error) {
    if (error instanceof AlarmNotFound) throw new NotFoundError('Alarm', id);
    if (error instanceof AlarmAlreadyAcknowledged) {
      throw new ConflictError(
        `Alarm "${id}" was already acknowledged by ${error.acknowledgedBy} ` +
          `at ${error.acknowledgedAt.toISOString()}`,
      );
    }
    throw error;
  }
}
