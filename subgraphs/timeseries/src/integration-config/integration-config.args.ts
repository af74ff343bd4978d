import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class IntegrationConfigVersionsArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 20,
    description: 'How many versions, newest first; 1 to 100.',
  })
  first?: number | null;

  @Field(() => Int, { nullable: true, description: 'Only versions older than this one.' })
  before?: number | null;
}

@ArgsType()
export class ApplyIntegrationConfigArgs {
  @Field(() => String, {
    description:
      'The whole configuration as YAML or JSON text (the schema of PLANTGRAPH_CONFIG); ' +
      '`${NAME}` references are stored unresolved.',
  })
  document!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Check and compare only; store nothing.',
  })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true, defaultValue: '' })
  comment?: string | null;
}

@ArgsType()
export class RollbackIntegrationConfigArgs {
  @Field(() => Int, { description: 'The version whose document is applied again.' })
  version!: number;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Check and compare only; store nothing.',
  })
  dryRun?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Defaults to "rollback to version N".',
  })
  comment?: string | null;
}

@ArgsType()
export class IntegrationConfigDiffArgs {
  @Field(() => Int, { description: 'The version to compare from.' })
  from!: number;

  @Field(() => Int, { description: 'The version compared against `from`.' })
  to!: number;
}
