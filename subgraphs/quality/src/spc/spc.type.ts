import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import type * as quality from '@plantgraph/quality-domain';

@ObjectType({
  description:
    'Descriptive statistics and process capability of a characteristic over a window. ' +
    'Cp/Cpk use the within-subgroup sigma R̄/d2, Pp/Ppk the overall sample standard deviation; ' +
    'an index is null when a limit it needs is missing or its sigma is null or zero.',
})
export class CharacteristicStatistics implements quality.CharacteristicStatistics {
  @Field(() => Int, { description: 'Measurements in the window.' })
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Arithmetic mean; null without data.' })
  mean!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Sample standard deviation (n − 1), the overall sigma; null below 2 values.',
  })
  stddev!: number | null;

  @Field(() => Float, { nullable: true })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => Int, {
    description: 'Measurements recorded out of spec (Measurement.inSpec false).',
  })
  outOfSpecCount!: number;

  @Field(() => Int, { description: 'Consecutive measurements per subgroup, in time order.' })
  subgroupSize!: number;

  @Field(() => Int, {
    description: 'Complete subgroups; trailing measurements that do not fill one are left out.',
  })
  subgroupCount!: number;

  @Field(() => Float, { nullable: true, description: 'R̄: mean range of the complete subgroups.' })
  meanRange!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Within-subgroup sigma R̄/d2; null without a complete subgroup.',
  })
  withinSigma!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '(USL − LSL) / 6σ within; null unless both limits exist.',
  })
  cp!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'min(USL − mean, mean − LSL) / 3σ within, over the limits that exist.',
  })
  cpk!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '(USL − LSL) / 6σ overall; null unless both limits exist.',
  })
  pp!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'min(USL − mean, mean − LSL) / 3σ overall, over the limits that exist.',
  })
  ppk!: number | null;
}

@ObjectType({ description: 'Centre line and 3-sigma control limits of one chart.' })
export class ControlLimits implements quality.ControlLimits {
  @Field(() => Float)
  centerLine!: number;

  @Field(() => Float)
  lowerControlLimit!: number;

  @Field(() => Float)
  upperControlLimit!: number;

  @Field(() => Float, {
    description: 'Sigma of the plotted statistic, (UCL − CL) / 3: the width of one zone.',
  })
  sigma!: number;
}

@ObjectType({ description: 'One subgroup of consecutive measurements: a point on both charts.' })
export class ControlChartSubgroup implements quality.ControlChartSubgroup {
  @Field(() => DateTime, { description: 'Time of its first measurement.' })
  start!: Date;

  @Field(() => DateTime, { description: 'Time of its last measurement.' })
  end!: Date;

  @Field(() => Float, { description: 'X-bar: the subgroup mean.' })
  mean!: number;

  @Field(() => Float, { description: 'R: largest minus smallest value.' })
  range!: number;

  @Field(() => [Int], {
    description:
      'Western Electric rules (1 to 4) this mean completes on the X-bar chart; empty when none.',
  })
  violations!: number[];

  @Field(() => Boolean, { description: 'The range lies outside the R chart limits.' })
  rangeOutOfControl!: boolean;
}

@ObjectType({
  description:
    'X-bar/R control chart over a window, limits computed from the window itself (Phase I).',
})
export class ControlChart implements quality.ControlChart {
  @Field(() => Int)
  subgroupSize!: number;

  @Field(() => Int, {
    description: 'Measurements in the window, including trailing ones that fill no subgroup.',
  })
  measurementCount!: number;

  @Field(() => [ControlChartSubgroup], { description: 'Complete subgroups in time order.' })
  subgroups!: ControlChartSubgroup[];

  @Field(() => ControlLimits, {
    nullable: true,
    description: 'X-bar chart: CL = X̿, limits X̿ ± A2·R̄; null without a complete subgroup.',
  })
  xBar!: ControlLimits | null;

  @Field(() => ControlLimits, {
    nullable: true,
    description: 'R chart: CL = R̄, limits D3·R̄ and D4·R̄; null without a complete subgroup.',
  })
  range!: ControlLimits | null;

  static fromChart(chart: quality.ControlChart): ControlChart {
    const limits = (values: quality.ControlLimits | null) =>
      values && Object.assign(new ControlLimits(), values);
    return Object.assign(new ControlChart(), {
      ...chart,
      subgroups: chart.subgroups.map((subgroup) =>
        Object.assign(new ControlChartSubgroup(), subgroup),
      ),
      xBar: limits(chart.xBar),
      range: limits(chart.range),
    });
  }
}
