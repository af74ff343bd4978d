import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLObjectType, parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray, type PubSub } from 'type-graphql';
import type { GraphContext } from './context.ts';
import { guardMutation, type FieldResolve } from './mutation-guard.ts';
import { inScope, scopeResults } from './site-scope.ts';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassType = Function;

export interface ReferenceResolver<Reference = { id: string }> {
  __resolveReference(reference: Reference, context: GraphContext): unknown;
}

export interface SubgraphDefinition {
  resolvers: NonEmptyArray<ClassType>;
  /** Entity classes no query reaches but other subgraphs resolve through `_entities`. */
  orphanedTypes?: ClassType[];
  /** `__resolveReference` per entity type name. */
  referenceResolvers?: Record<string, ReferenceResolver<never>>;
}

/** A subgraph as the gateway and the launchers see it: a name and a way to build its schema. */
export interface SubgraphModule {
  name: string;
  buildSchema(): Promise<GraphQLSchema>;
  /** Whether its writes use Prisma; a standalone process builds a client only then. */
  usesPrisma?: boolean;
}

const federationLink =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", ' +
  'import: ["@key", "@shareable", "@external", "@requires"])';

/**
 * type-graphql insists on a PubSub once a Subscription exists, though subgraph subscriptions
 * bring their own `subscribe` (an event stream over the bus) and never use topics.
 */
const noPubSub: PubSub = {
  publish() {
    throw new Error('Subgraph subscriptions use `subscribe`, not PubSub topics');
  },
  subscribe() {
    throw new Error('Subgraph subscriptions use `subscribe`, not PubSub topics');
  },
};

/**
 * Turns type-graphql classes into a Federation 2 subgraph schema. type-graphql's printer keeps
 * the `@key`/`@shareable` directives only through `printSchemaWithDirectives`; the reference
 * resolvers are merged into type-graphql's resolver map before Apollo builds the subgraph.
 */
export async function buildSubgraph(definition: SubgraphDefinition): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes ?? [],
    skipCheck: true,
    validate: false,
    pubSub: noPubSub,
  });
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  guardFields(schema, resolvers);
  for (const [typeName, reference] of Object.entries(definition.referenceResolvers ?? {})) {
    // Entity references outside the caller's sites resolve to nothing.
    const scoped = async (representation: never, context: GraphContext) => {
      const entity: unknown = await reference.__resolveReference(representation, context);
      return (await inScope(context, entity, typeName)) ? entity : null;
    };
    resolvers[typeName] = { ...resolvers[typeName], __resolveReference: scoped } as never;
  }
  return buildSubgraphSchema({
    typeDefs: parse(`${federationLink}\n${printSchemaWithDirectives(schema)}`),
    resolvers,
  });
}

/**
 * Every mutation passes the guard (authorisation and audit), and every field with a resolver of
 * its own has its result checked against the caller's sites. Plain data fields (no resolver) are
 * left alone: wrapping them would cost a promise per value of every large answer.
 */
function guardFields(schema: GraphQLSchema, resolvers: GraphQLResolverMap<unknown>): void {
  const mutationType = schema.getMutationType()?.name;
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (!(schema.getType(typeName) instanceof GraphQLObjectType)) continue;
    const map = fields as Record<string, unknown>;
    for (const [fieldName, value] of Object.entries(map)) {
      if (fieldName.startsWith('__')) continue;
      const wrap = (resolve: FieldResolve) =>
        typeName === mutationType ? scopeResults(guardMutation(resolve)) : scopeResults(resolve);
      if (typeof value === 'function') map[fieldName] = wrap(value as FieldResolve);
      else if (value && typeof (value as { resolve?: unknown }).resolve === 'function') {
        const field = value as { resolve: FieldResolve };
        map[fieldName] = { ...field, resolve: wrap(field.resolve) };
      }
    }
  }
}
