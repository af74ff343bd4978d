import {
  DataType,
  NodeId,
  ObjectTypeIds,
  constructEventFilter,
  ofType,
  resolveNodeId,
  type EventFilter,
  type LocalizedText,
  type Variant,
} from 'node-opcua';
import type { AlarmSeverity } from '@plantgraph/ingest';

/**
 * The fields an events mapping selects from each event, in the order of the select clauses:
 * a notification's `fields[i]` answers the i-th. `ConditionId` is the condition's own node id
 * (OPC 10000-9 5.5.2: the NodeId attribute of ConditionType); `ActiveState.Id` and
 * `AckedState.Id` are the booleans behind the two state variables.
 */
export const CONDITION_FIELDS = [
  'EventId',
  'EventType',
  'SourceNode',
  'SourceName',
  'Time',
  'Message',
  'Severity',
  'ConditionId',
  'ConditionName',
  'ActiveState.Id',
  'AckedState.Id',
  'Retain',
  'BranchId',
] as const;

type Field = (typeof CONDITION_FIELDS)[number];

/** The events of AlarmConditionType and its subtypes (the OfType operator includes subtypes). */
export function conditionEventFilter(): EventFilter {
  return constructEventFilter(
    [...CONDITION_FIELDS],
    ofType(resolveNodeId(ObjectTypeIds.AlarmConditionType)),
  );
}

/** One notification of a condition, read from the selected fields. */
export interface ConditionEvent {
  kind: 'condition';
  /** The opaque id of this state of the condition; Acknowledge names it. */
  eventId: Buffer;
  eventType: string;
  sourceNode: string | null;
  sourceName: string;
  time: Date;
  message: string;
  /** 1–1000 after OPC 10000-5 BaseEventType.Severity. */
  severity: number;
  conditionId: string;
  conditionName: string | null;
  active: boolean;
  acked: boolean;
  retain: boolean;
  /**
   * A branch is an earlier state kept for acknowledgement (OPC 10000-9 4.4); only the trunk
   * (no BranchId) says what the condition is now.
   */
  branch: boolean;
}

/**
 * The bracket a ConditionRefresh puts around the retained conditions it re-sends
 * (OPC 10000-9 5.5.7); servers deliver it whatever the where clause says.
 */
export interface RefreshBracket {
  kind: 'refreshStart' | 'refreshEnd';
}

export type ReadEvent = ConditionEvent | RefreshBracket | { kind: 'invalid'; reason: string };

const refreshStart = resolveNodeId(ObjectTypeIds.RefreshStartEventType).toString();
const refreshEnd = resolveNodeId(ObjectTypeIds.RefreshEndEventType).toString();

/** Reads an event notification's fields; `invalid` says what a condition event lacks. */
export function readConditionEvent(fields: readonly Variant[]): ReadEvent {
  const get = (name: Field): unknown => fields[CONDITION_FIELDS.indexOf(name)]?.value ?? null;
  const eventType = nodeIdText(get('EventType'));
  if (eventType === refreshStart) return { kind: 'refreshStart' };
  if (eventType === refreshEnd) return { kind: 'refreshEnd' };
  const conditionId = nodeIdText(get('ConditionId'));
  const eventId = get('EventId');
  if (!conditionId) return { kind: 'invalid', reason: 'event without ConditionId' };
  if (!Buffer.isBuffer(eventId)) return { kind: 'invalid', reason: 'event without EventId' };
  const time = get('Time');
  const branchId = get('BranchId');
  return {
    kind: 'condition',
    eventId,
    eventType: eventType ?? '',
    sourceNode: nodeIdText(get('SourceNode')),
    sourceName: text(get('SourceName')),
    time: time instanceof Date ? time : new Date(),
    message: text(get('Message')),
    severity: Number(get('Severity') ?? 0),
    conditionId,
    conditionName: text(get('ConditionName')) || null,
    active: get('ActiveState.Id') === true,
    acked: get('AckedState.Id') === true,
    retain: get('Retain') === true,
    branch: branchId instanceof NodeId && !branchId.isEmpty(),
  };
}

/**
 * Severity bands, upper bounds inclusive: 1–250 LOW, 251–500 MEDIUM, 501–750 HIGH, 751–1000
 * CRITICAL. Four equal quarters of the OPC UA range, so a server's own grading (OPC 10000-5
 * only says higher is more urgent) keeps its order; values outside 1–1000 are clamped.
 */
export function severityBand(severity: number): AlarmSeverity {
  if (severity > 750) return 'CRITICAL';
  if (severity > 500) return 'HIGH';
  if (severity > 250) return 'MEDIUM';
  return 'LOW';
}

function nodeIdText(value: unknown): string | null {
  if (value instanceof NodeId) return value.isEmpty() ? null : value.toString();
  return null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'text' in value) {
    return (value as LocalizedText).text ?? '';
  }
  if (value && typeof value === 'object' && 'name' in value) {
    return String((value as { name: unknown }).name ?? '');
  }
  return '';
}

/** The Acknowledge method's arguments (OPC 10000-9 5.7.3): EventId and a comment. */
export function acknowledgeArguments(eventId: Buffer, comment: string) {
  return [
    { dataType: DataType.ByteString, value: eventId },
    { dataType: DataType.LocalizedText, value: { text: comment } },
  ];
}
