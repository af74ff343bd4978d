import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphContext } from '@plantgraph/graph';
import {
  ApplyIntegrationConfigArgs,
  IntegrationConfigDiffArgs,
  IntegrationConfigVersionsArgs,
  RollbackIntegrationConfigArgs,
} from './integration-config.args.ts';
import {
  applyConfig,
  changesOf,
  documentText,
  integrationConfig,
  integrationConfigDiff,
  integrationConfigVersions,
  rollbackConfig,
} from './integration-config.service.ts';
import {
  IntegrationConfigApplyResult,
  IntegrationConfigChange,
  IntegrationConfigVersion,
} from './integration-config.type.ts';

const ENGINEER_ONLY = 'Needs the role engineer or higher, without a site restriction.';

@Resolver(() => IntegrationConfigVersion)
export class IntegrationConfigResolver {
  @Query(() => IntegrationConfigVersion, {
    nullable: true,
    description:
      'A version of the integration configuration; the current one without `version`, null ' +
      `while none was applied. ${ENGINEER_ONLY}`,
  })
  integrationConfig(
    @Arg('version', () => Int, { nullable: true }) version: number | null,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigVersion | null> {
    return integrationConfig(context, version);
  }

  @Query(() => [IntegrationConfigVersion], {
    description: `Versions of the integration configuration, newest first. ${ENGINEER_ONLY}`,
  })
  integrationConfigVersions(
    @Args(() => IntegrationConfigVersionsArgs) args: IntegrationConfigVersionsArgs,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigVersion[]> {
    return integrationConfigVersions(context, args);
  }

  @Query(() => [IntegrationConfigChange], {
    description: `What changes from version \`from\` to version \`to\`. ${ENGINEER_ONLY}`,
  })
  integrationConfigDiff(
    @Args(() => IntegrationConfigDiffArgs) args: IntegrationConfigDiffArgs,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigChange[]> {
    return integrationConfigDiff(context, args.from, args.to);
  }

  @FieldResolver(() => String, {
    description: 'The document as YAML, `${NAME}` references unresolved.',
  })
  document(
    @Root() version: IntegrationConfigVersion,
    @Ctx() context: GraphContext,
  ): Promise<string> {
    return documentText(context, version);
  }

  @FieldResolver(() => [IntegrationConfigChange], {
    description: 'What this version changed against the one before it.',
  })
  changes(
    @Root() version: IntegrationConfigVersion,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigChange[]> {
    return changesOf(context, version);
  }

  @Mutation(() => IntegrationConfigApplyResult, {
    description:
      'Validates a configuration document and stores it as the next version, which the ' +
      'connectors then run; a document equal to the current version stores nothing. Invalid ' +
      'documents are BAD_USER_INPUT with every problem in `extensions.problems`. ' +
      ENGINEER_ONLY,
  })
  applyIntegrationConfig(
    @Args(() => ApplyIntegrationConfigArgs) args: ApplyIntegrationConfigArgs,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigApplyResult> {
    return applyConfig(context, args);
  }

  @Mutation(() => IntegrationConfigApplyResult, {
    description:
      "Applies an earlier version's document again, as the next version. " + ENGINEER_ONLY,
  })
  rollbackIntegrationConfig(
    @Args(() => RollbackIntegrationConfigArgs) args: RollbackIntegrationConfigArgs,
    @Ctx() context: GraphContext,
  ): Promise<IntegrationConfigApplyResult> {
    return rollbackConfig(context, args);
  }
}
