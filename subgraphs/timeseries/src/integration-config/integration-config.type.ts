import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '@plantgraph/graph';
import type {
  ApplyConfigResult,
  ConfigChange,
  ConfigVersion,
  ConfigVersionSummary,
} from '@plantgraph/integration-domain';

export enum IntegrationConfigChangeKind {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  CHANGED = 'CHANGED',
}
registerEnumType(IntegrationConfigChangeKind, {
  name: 'IntegrationConfigChangeKind',
  description: 'How an entry of the integration configuration changed.',
});

/** JSON text of an entry; null for the side where it does not exist. */
const jsonText = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value);

@ObjectType({
  description:
    'One entry of the integration configuration that differs between two versions: a ' +
    'connection, template, instance, download or plain mapping.',
})
export class IntegrationConfigChange {
  @Field(() => IntegrationConfigChangeKind)
  kind!: IntegrationConfigChangeKind;

  @Field(() => String, { description: 'The section, e.g. `connections`, `mappings.tags`.' })
  section!: string;

  @Field(() => String, {
    description: 'What identifies the entry in its section, e.g. a connection id.',
  })
  key!: string;

  @Field(() => String, {
    description:
      'Where the entry is, e.g. `instances[3]`: in the newer version, or in the older one when ' +
      'it was removed.',
  })
  path!: string;

  @Field(() => String, { nullable: true, description: 'The entry before, as JSON text.' })
  before!: string | null;

  @Field(() => String, { nullable: true, description: 'The entry after, as JSON text.' })
  after!: string | null;

  static fromChange(change: ConfigChange): IntegrationConfigChange {
    return Object.assign(new IntegrationConfigChange(), {
      kind: change.kind as IntegrationConfigChangeKind,
      section: change.section,
      key: change.key,
      path: change.path,
      before: jsonText(change.before),
      after: jsonText(change.after),
    });
  }
}

@ObjectType({
  description:
    'One applied version of the integration configuration (connections, templates, instances, ' +
    'mappings). The newest is the one the connectors run.',
})
export class IntegrationConfigVersion {
  @Field(() => Int, { description: 'Numbered 1, 2, 3… in the order they were applied.' })
  version!: number;

  @Field(() => String)
  comment!: string;

  @Field(() => String, { description: 'Who applied it, as the audit log names callers.' })
  appliedBy!: string;

  @Field(() => DateTime)
  appliedAt!: Date;

  @Field(() => String, { description: 'sha256 of the canonical JSON of the document.' })
  digest!: string;

  /** The stored document when it was read along; listed versions load it on demand. */
  stored?: unknown;

  static fromVersion(version: ConfigVersion | ConfigVersionSummary): IntegrationConfigVersion {
    return Object.assign(new IntegrationConfigVersion(), {
      version: version.version,
      comment: version.comment,
      appliedBy: version.appliedBy,
      appliedAt: version.appliedAt,
      digest: version.digest,
      ...('document' in version ? { stored: version.document } : {}),
    });
  }
}

@ObjectType({ description: 'What applying (or rolling back to) a configuration did or would do.' })
export class IntegrationConfigApplyResult {
  @Field(() => IntegrationConfigVersion, {
    nullable: true,
    description: 'The stored version; null for a dry run or a document equal to the current one.',
  })
  version!: IntegrationConfigVersion | null;

  @Field(() => Int, { description: 'The version current before, 0 when there was none.' })
  previousVersion!: number;

  @Field(() => Boolean, {
    description: 'The document equals the current version: nothing was stored.',
  })
  unchanged!: boolean;

  @Field(() => Boolean, { description: 'Checked and compared only: nothing was stored.' })
  dryRun!: boolean;

  @Field(() => [IntegrationConfigChange], {
    description: 'Entry changes against the current version, as written.',
  })
  changes!: IntegrationConfigChange[];

  @Field(() => Int, {
    description:
      'Mappings (tags, states, counters, alarms) added, after templates are expanded into their instances.',
  })
  mappingsAdded!: number;

  @Field(() => Int, { description: 'Mappings removed.' })
  mappingsRemoved!: number;

  @Field(() => Int, { description: 'Mappings changed.' })
  mappingsChanged!: number;

  static fromResult(result: ApplyConfigResult, dryRun: boolean): IntegrationConfigApplyResult {
    return Object.assign(new IntegrationConfigApplyResult(), {
      version: result.version && IntegrationConfigVersion.fromVersion(result.version),
      previousVersion: result.previousVersion,
      unchanged: result.unchanged,
      dryRun,
      changes: result.changes.map((change) => IntegrationConfigChange.fromChange(change)),
      mappingsAdded: result.mappings.added,
      mappingsRemoved: result.mappings.removed,
      mappingsChanged: result.mappings.changed,
    });
  }
}
