import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import type { MappingPeriod } from '@plantgraph/integration-domain';

@ObjectType({
  description:
    'A period in which one mapping of the integration configuration fed a tag: from the version ' +
    'that introduced it to the one that changed or removed it.',
})
export class TagMappingPeriod {
  @Field(() => String, { description: 'The connection id.' })
  connection!: string;

  @Field(() => String, {
    description: 'What the connector reads: node id, browse path, topic, Sparkplug path.',
  })
  source!: string;

  @Field(() => Float)
  scale!: number;

  @Field(() => Float)
  offset!: number;

  @Field(() => Float)
  deadband!: number;

  @Field(() => String, { nullable: true, description: 'The template, for an expanded instance.' })
  template!: string | null;

  @Field(() => String, { nullable: true, description: 'The instance the template expanded for.' })
  instance!: string | null;

  @Field(() => Int, { description: 'The configuration version that introduced the mapping.' })
  version!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The version that changed or removed it; null while it is current.',
  })
  replacedByVersion!: number | null;

  @Field(() => String, { description: 'Who applied `version`.' })
  appliedBy!: string;

  @Field(() => DateTime, { description: 'When `version` was applied: the period starts.' })
  appliedAt!: Date;

  @Field(() => DateTime, {
    nullable: true,
    description: 'When `replacedByVersion` was applied: the period ends.',
  })
  endedAt!: Date | null;

  static fromPeriod(period: MappingPeriod): TagMappingPeriod {
    return Object.assign(new TagMappingPeriod(), {
      connection: period.connection,
      source: period.source,
      scale: period.scale,
      offset: period.offset,
      deadband: period.deadband,
      template: period.template,
      instance: period.instance,
      version: period.fromVersion,
      replacedByVersion: period.toVersion,
      appliedBy: period.appliedBy,
      appliedAt: period.appliedAt,
      endedAt: period.endedAt,
    });
  }
}
