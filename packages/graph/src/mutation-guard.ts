import { GraphQLError, getNamedType, type GraphQLResolveInfo } from 'graphql';
import { includesRole, requiredRole, type Role } from '@plantgraph/auth';
import { appendAuditEntry, type AuditOutcome, type NewAuditEntry } from '@plantgraph/db';
import type { GraphContext, Identity } from './context.ts';
import { PlantgraphError } from './errors.ts';

/**
 * The one place every mutation passes: `authorizeMutation` decides whether the caller may run it,
 * and the attempt is written to the append-only audit log with its outcome, whether it was
 * allowed, refused or failed.
 */

/**
 * Whether `identity` may run the mutation `operation`: the role table of @plantgraph/auth;
 * FORBIDDEN naming the operation and the role it needs if not.
 */
export function authorizeMutation(identity: Identity, operation: string): void {
  const needed = requiredRole('mutation', operation);
  if (!includesRole(identity.role, needed)) throw forbidden(operation, needed);
}

export type Outcome = AuditOutcome;

/** Entity type and id an audit entry is filed under: the mutation's return type and its id. */
function subjectOf(
  info: GraphQLResolveInfo,
  args: Record<string, unknown>,
  result: unknown,
): { entityType: string; entityId: string | null } {
  const entityType = getNamedType(info.returnType).name;
  const fromResult = (result as { id?: unknown } | null | undefined)?.id;
  const fromArgs = args.id ?? args.orderId;
  const id = typeof fromResult === 'string' ? fromResult : fromArgs;
  return { entityType, entityId: typeof id === 'string' ? id : null };
}

/** An audit entry as a mutation files it; the actor is the context's caller. */
export type AuditEntryInput = Omit<NewAuditEntry, 'actor'>;

/** Appends one entry to the audit log as the context's caller. */
export async function recordAudit(context: GraphContext, entry: AuditEntryInput): Promise<void> {
  await appendAuditEntry(context.sql, { ...entry, actor: context.identity.subject });
}

/** The error code a client saw for `error`. */
export function errorCodeOf(error: unknown): string {
  return error instanceof GraphQLError
    ? String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR')
    : 'INTERNAL_SERVER_ERROR';
}

function audit(
  context: GraphContext,
  info: GraphQLResolveInfo,
  args: Record<string, unknown>,
  outcome: Outcome,
  result: unknown,
  error?: unknown,
): Promise<void> {
  const { entityType, entityId } = subjectOf(info, args, result);
  return recordAudit(context, {
    operation: info.fieldName,
    entityType,
    entityId,
    input: args,
    outcome,
    errorCode: error === undefined ? null : errorCodeOf(error),
    result:
      error === undefined
        ? { id: entityId }
        : { message: error instanceof Error ? error.message : String(error) },
  });
}

/** A field resolver as graphql-js calls it. */
export type FieldResolve = (
  root: unknown,
  args: Record<string, unknown>,
  context: GraphContext,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * Wraps a Mutation field: decides whether the caller may run it, runs it, and audits the
 * attempt with its outcome.
 */
export function guardMutation(resolve: FieldResolve): FieldResolve {
  return async (root, args, context, info) => {
    try {
      authorizeMutation(context.identity, info.fieldName);
    } catch (error) {
      await audit(context, info, args, 'DENIED', null, error);
      throw error;
    }
    let result: unknown;
    try {
      result = await resolve(root, args, context, info);
    } catch (error) {
      const outcome = errorCodeOf(error) === 'FORBIDDEN' ? 'DENIED' : 'ERROR';
      await audit(context, info, args, outcome, null, error).catch(() => undefined);
      throw error;
    }
    await audit(context, info, args, 'OK', result);
    return result;
  };
}

/** FORBIDDEN for an operation the caller's role does not allow. */
export function forbidden(operation: string, needed: Role): PlantgraphError {
  return new PlantgraphError('FORBIDDEN', `${operation} needs the role ${needed} or higher`, {
    operation,
    needed,
  });
}
