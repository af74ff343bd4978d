import { Field, ID, ObjectType } from 'type-graphql';
import type { AuditLogRow } from '@plantgraph/db';
import { connectionTypes, DateTime, GraphQLJSON } from '@plantgraph/graph';

export type AuditRow = AuditLogRow;

@ObjectType({ description: 'One mutation as it was asked for and how it ended. Never changed.' })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTime)
  time!: Date;

  @Field(() => String, { description: 'Who asked.' })
  actor!: string;

  @Field(() => String, { description: 'The mutation, e.g. downloadOrder.' })
  operation!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The type it returns, e.g. ProductionOrder.',
  })
  entityType!: string | null;

  @Field(() => String, { nullable: true })
  entityId!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The arguments as sent.' })
  input!: unknown;

  @Field(() => String, { description: 'OK, ERROR or DENIED.' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'The error code when not OK.' })
  errorCode!: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The id made or changed, or the error.',
  })
  result!: unknown;

  static fromRow(row: AuditRow): AuditEntry {
    return Object.assign(new AuditEntry(), {
      id: row.id,
      time: row.time,
      actor: row.actor,
      operation: row.operation,
      entityType: row.entity_type,
      entityId: row.entity_id,
      input: row.input,
      outcome: row.outcome,
      errorCode: row.error_code,
      result: row.result,
    });
  }
}

export const AuditEntryConnection = connectionTypes(AuditEntry, 'AuditEntry');
