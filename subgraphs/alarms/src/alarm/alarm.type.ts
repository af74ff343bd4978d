import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes, DateTime, type AlarmEvent } from '@plantgraph/graph';
import { AlarmSeverity, AlarmState, severityRank, type AlarmRow } from '@plantgraph/alarms-domain';
import { Asset } from '../asset/asset.type.ts';

// The enums are the domain's; the graph names and describes them here.
registerEnumType(AlarmSeverity, {
  name: 'AlarmSeverity',
  description: 'How urgent an alarm is, ordered LOW < MEDIUM < HIGH < CRITICAL.',
});

registerEnumType(AlarmState, {
  name: 'AlarmState',
  description: 'Life cycle of an alarm after ISA-18.2, derived from clearedAt and acknowledgedAt.',
  valuesConfig: {
    ACTIVE: {
      description: 'Raised and still present, not yet acknowledged (unacknowledged alarm).',
    },
    ACKNOWLEDGED: {
      description: 'Acknowledged by an operator while the condition is still present.',
    },
    CLEARED: {
      description:
        'Cleared but not acknowledged: the condition returned to normal, unacknowledged.',
    },
    CLOSED: { description: 'Cleared and acknowledged: nothing left to do.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'An alarm raised on an asset, and what happened to it since.' })
export class Alarm {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Machine-readable alarm code from the source system.' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => AlarmSeverity)
  severity!: AlarmSeverity;

  @Field(() => AlarmState)
  state!: AlarmState;

  @Field(() => DateTime)
  raisedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the condition went away.' })
  clearedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the alarm was cleared, when its source did not report the clear: "not active on ' +
      'reconnect" when a connector found it inactive on (re)connecting, clearedAt being when ' +
      'it looked. Null for a clear reported by the source.',
  })
  clearReason!: string | null;

  @Field(() => DateTime, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who acknowledged the alarm.' })
  acknowledgedBy!: string | null;

  @Field(() => String, { nullable: true })
  acknowledgeComment!: string | null;

  assetId!: string;

  static fromRow(row: AlarmRow): Alarm {
    return Object.assign(new Alarm(), {
      id: row.id,
      code: row.code,
      message: row.message,
      severity: row.severity,
      state: row.state,
      raisedAt: row.raised_at,
      clearedAt: row.cleared_at,
      clearReason: row.clear_reason,
      acknowledgedAt: row.acknowledged_at,
      acknowledgedBy: row.acknowledged_by,
      acknowledgeComment: row.acknowledge_comment,
      assetId: row.asset_id,
    });
  }
}

export const AlarmConnection = connectionTypes(Alarm, 'Alarm', { withTotalCount: true });

@ObjectType({ description: 'An alarm being raised or cleared, as it happens.' })
export class AlarmTransition {
  @Field(() => String, { description: 'Machine-readable alarm code from the source system.' })
  code!: string;

  @Field(() => Boolean, { description: 'True when raised, false when cleared.' })
  active!: boolean;

  @Field(() => AlarmSeverity)
  severity!: AlarmSeverity;

  @Field(() => String)
  message!: string;

  @Field(() => DateTime, { description: 'When the transition happened at the source.' })
  time!: Date;

  @Field(() => Asset)
  asset!: Asset;

  /** The transition an event reports; undefined for a severity this graph does not know. */
  static fromEvent(event: AlarmEvent): AlarmTransition | undefined {
    if (severityRank(event.severity) < 0) return undefined;
    return Object.assign(new AlarmTransition(), {
      code: event.code,
      active: event.active,
      severity: event.severity as AlarmSeverity,
      message: event.message,
      time: new Date(event.time),
      asset: Object.assign(new Asset(), { id: event.assetId }),
    });
  }
}
