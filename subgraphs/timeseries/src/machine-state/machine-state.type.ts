import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime, type StateEvent } from '@plantgraph/graph';
import { MachineState, type MachineStatePeriod } from '@plantgraph/timeseries-domain';
import { Asset } from '../asset/asset.type.ts';

export { MachineState };

registerEnumType(MachineState, {
  name: 'MachineState',
  description: 'What a machine is doing.',
  valuesConfig: {
    RUNNING: { description: 'Producing.' },
    IDLE: { description: 'Ready but not producing: starved of material or blocked downstream.' },
    STOPPED: { description: 'Stopped by an operator or as planned.' },
    DOWN: { description: 'Unplanned stop: a failure.' },
    SETUP: { description: 'Changeover to another product or order.' },
    MAINTENANCE: { description: 'Planned maintenance.' },
    OFFLINE: { description: 'No connection to the machine; its real state is unknown.' },
  },
});

@ObjectType({ description: 'A period during which a machine stayed in one state.' })
export class MachineStateInfo {
  @Field(() => MachineState)
  state!: MachineState;

  @Field(() => DateTime, {
    description: 'When the machine entered the state; may lie before the requested window.',
  })
  since!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When the next state began; null while this state is current.',
  })
  until!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why, e.g. a fault or stop reason.' })
  reason!: string | null;

  static fromRow(row: MachineStatePeriod): MachineStateInfo {
    return Object.assign(new MachineStateInfo(), {
      state: row.state,
      since: row.since,
      until: row.until,
      reason: row.reason,
    });
  }
}

const MACHINE_STATES = new Set<string>(Object.values(MachineState));

@ObjectType({ description: 'A machine entering a new state, as it happens.' })
export class MachineStateChange {
  @Field(() => MachineState)
  state!: MachineState;

  @Field(() => DateTime, { description: 'When the machine entered the state, at the source.' })
  since!: Date;

  @Field(() => String, { nullable: true, description: 'Why, e.g. a fault or stop reason.' })
  reason!: string | null;

  @Field(() => Asset)
  asset!: Asset;

  /** The change an event reports; undefined for a state this graph does not know. */
  static fromEvent(event: StateEvent): MachineStateChange | undefined {
    if (!MACHINE_STATES.has(event.state)) return undefined;
    return Object.assign(new MachineStateChange(), {
      state: event.state as MachineState,
      since: new Date(event.time),
      reason: event.reason,
      asset: Object.assign(new Asset(), { id: event.assetId }),
    });
  }
}
