import DataLoader from 'dataloader';
import { stringify } from 'yaml';
import { includesRole } from '@plantgraph/auth';
import {
  loader,
  NotFoundError,
  pageSize,
  PlantgraphError,
  type GraphContext,
} from '@plantgraph/graph';
import {
  applyIntegrationConfig,
  configVersions,
  diffConfigDocuments,
  InvalidConfigDocument,
  latestConfigVersion,
  listConfigVersions,
  type ConfigVersion,
} from '@plantgraph/integration-domain';
import type {
  ApplyIntegrationConfigArgs,
  IntegrationConfigVersionsArgs,
  RollbackIntegrationConfigArgs,
} from './integration-config.args.ts';
import {
  IntegrationConfigApplyResult,
  IntegrationConfigChange,
  IntegrationConfigVersion,
} from './integration-config.type.ts';

const MAX_LISTED_VERSIONS = 100;

const SPANS_EVERY_SITE = 'the integration configuration spans every site';

/**
 * The configuration holds every site's connections, endpoints and asset paths, so reading it
 * needs the role engineer and no site restriction, as changing it does. Mutations get their role
 * from the role table; this adds the site rule to them.
 */
export function requireConfigReader(context: GraphContext, field: string): void {
  if (!includesRole(context.identity.role, 'engineer')) {
    throw new PlantgraphError('FORBIDDEN', `${field} needs the role engineer or higher`, {
      field,
      needed: 'engineer',
    });
  }
  requirePlantWide(context, field);
}

function requirePlantWide(context: GraphContext, field: string): void {
  if (context.identity.sites) {
    throw new PlantgraphError('FORBIDDEN', `${field}: ${SPANS_EVERY_SITE}`, { field });
  }
}

/** Versions with their documents by number, null for unknown ones; per request. */
export const configVersionByNumber = (context: GraphContext) =>
  new DataLoader<number, ConfigVersion | null>((versions) => configVersions(context.sql, versions));

async function requireVersion(
  context: GraphContext,
  version: number,
  argument: string,
): Promise<ConfigVersion> {
  const found = await loader(context, configVersionByNumber).load(version);
  if (!found) throw new NotFoundError('IntegrationConfigVersion', String(version), argument);
  return found;
}

/** One version, the current one when `version` is null; null while none was applied. */
export async function integrationConfig(
  context: GraphContext,
  version: number | null | undefined,
): Promise<IntegrationConfigVersion | null> {
  requireConfigReader(context, 'integrationConfig');
  if (version === null || version === undefined) {
    const latest = await latestConfigVersion(context.sql);
    return latest ? IntegrationConfigVersion.fromVersion(latest) : null;
  }
  return IntegrationConfigVersion.fromVersion(await requireVersion(context, version, 'version'));
}

/** Versions newest first, without their documents until asked. */
export async function integrationConfigVersions(
  context: GraphContext,
  args: IntegrationConfigVersionsArgs,
): Promise<IntegrationConfigVersion[]> {
  requireConfigReader(context, 'integrationConfigVersions');
  const limit = pageSize(args.first, 'first', { max: MAX_LISTED_VERSIONS });
  const versions = await listConfigVersions(context.sql, {
    limit,
    before: args.before ?? undefined,
  });
  return versions.map((version) => IntegrationConfigVersion.fromVersion(version));
}

/** What changes from version `from` to version `to`. */
export async function integrationConfigDiff(
  context: GraphContext,
  from: number,
  to: number,
): Promise<IntegrationConfigChange[]> {
  requireConfigReader(context, 'integrationConfigDiff');
  const [before, after] = await Promise.all([
    requireVersion(context, from, 'from'),
    requireVersion(context, to, 'to'),
  ]);
  return diffConfigDocuments(before.document, after.document).map((change) =>
    IntegrationConfigChange.fromChange(change),
  );
}

async function documentOf(context: GraphContext, version: IntegrationConfigVersion) {
  if (version.stored !== undefined) return version.stored;
  return (await loader(context, configVersionByNumber).load(version.version))?.document ?? {};
}

/** A version's document as YAML text. */
export async function documentText(
  context: GraphContext,
  version: IntegrationConfigVersion,
): Promise<string> {
  return stringify(await documentOf(context, version));
}

/** A version's changes against the one before it (the first against an empty document). */
export async function changesOf(
  context: GraphContext,
  version: IntegrationConfigVersion,
): Promise<IntegrationConfigChange[]> {
  const previous =
    version.version > 1
      ? await loader(context, configVersionByNumber).load(version.version - 1)
      : null;
  const document = await documentOf(context, version);
  return diffConfigDocuments(previous?.document ?? {}, document).map((change) =>
    IntegrationConfigChange.fromChange(change),
  );
}

/**
 * BAD_USER_INPUT naming `argument`: the first problem in the message, every problem in
 * `extensions.problems`.
 */
function invalidDocument(error: InvalidConfigDocument, argument: string): PlantgraphError {
  const [first = 'invalid', ...others] = error.problems;
  const more =
    others.length === 0
      ? ''
      : ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})`;
  return new PlantgraphError('BAD_USER_INPUT', `document: ${first}${more}`, {
    argument,
    problems: error.problems,
  });
}

async function apply(
  context: GraphContext,
  input: { document: string; dryRun: boolean; comment: string },
  argument: string,
): Promise<IntegrationConfigApplyResult> {
  try {
    const result = await applyIntegrationConfig(context.sql, {
      ...input,
      appliedBy: context.identity.subject,
    });
    return IntegrationConfigApplyResult.fromResult(result, input.dryRun);
  } catch (error) {
    if (error instanceof InvalidConfigDocument) throw invalidDocument(error, argument);
    throw error;
  }
}

/** Applies a document as the next version; the caller is recorded as who applied it. */
export async function applyConfig(
  context: GraphContext,
  args: ApplyIntegrationConfigArgs,
): Promise<IntegrationConfigApplyResult> {
  requirePlantWide(context, 'applyIntegrationConfig');
  return apply(
    context,
    { document: args.document, dryRun: args.dryRun ?? false, comment: args.comment ?? '' },
    'document',
  );
}

/** Applies the document of an earlier version again, as the next version. */
export async function rollbackConfig(
  context: GraphContext,
  args: RollbackIntegrationConfigArgs,
): Promise<IntegrationConfigApplyResult> {
  requirePlantWide(context, 'rollbackIntegrationConfig');
  const target = await requireVersion(context, args.version, 'version');
  return apply(
    context,
    {
      document: JSON.stringify(target.document),
      dryRun: args.dryRun ?? false,
      comment: args.comment ?? `rollback to version ${args.version}`,
    },
    'version',
  );
}
