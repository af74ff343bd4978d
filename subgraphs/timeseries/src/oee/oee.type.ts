import { Field, Float, ObjectType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import { MachineState } from '../machine-state/machine-state.type.ts';

@ObjectType({
  description:
    'Overall equipment effectiveness of one bucket, over every machine at or below the asset. ' +
    'Times and counts are summed over the machines before the ratios are taken.',
})
export class OeeBucket {
  @Field(() => DateTime, { description: 'Start of the bucket (inclusive), never before `from`.' })
  from!: Date;

  @Field(() => DateTime, { description: 'End of the bucket (exclusive), never after `to`.' })
  to!: Date;

  @Field(() => Float, {
    nullable: true,
    description: 'Run time / planned production time; null without planned production time.',
  })
  availability!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Ideal cycle time × total count / run time; null without run time or when a counted ' +
      'machine has no ideal cycle time (such machines are left out when others have one). ' +
      'Not capped: above 1 means the ideal cycle time is too long.',
  })
  performance!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Good count / total count; null when nothing was counted.',
  })
  quality!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'availability × performance × quality; 0 when one of them is 0, else null when one is null.',
  })
  oee!: number | null;

  @Field(() => Float, {
    description: 'Planned production time in seconds: scheduled time less planned stops.',
  })
  plannedTime!: number;

  @Field(() => Float, { description: 'Seconds RUNNING within planned production time.' })
  runTime!: number;

  @Field(() => Float, { description: 'Parts counted in scheduled time, good and rejected.' })
  totalCount!: number;

  @Field(() => Float, { description: 'Good parts counted in scheduled time.' })
  goodCount!: number;
}

@ObjectType({ description: 'Unplanned stop time of one state and reason, a line of the Pareto.' })
export class OeeLoss {
  @Field(() => MachineState)
  state!: MachineState;

  @Field(() => String, { nullable: true, description: 'The reason the machines reported.' })
  reason!: string | null;

  @Field(() => Float, { description: 'Seconds lost, summed over the machines.' })
  duration!: number;

  @Field(() => Float, { description: 'Fraction of all unplanned stop time, 0 to 1.' })
  share!: number;

  @Field(() => Float, { description: 'Share of this line and all longer ones, for the Pareto.' })
  cumulativeShare!: number;
}
