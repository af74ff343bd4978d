import DataLoader from 'dataloader';
import {
  siteRoots,
  siteScopeCondition,
  withinSites,
  type AssetPath,
} from '@plantgraph/assets-domain';
import type { Sql } from '@plantgraph/db';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import { assetPathById } from './asset-scope.ts';
import { loader, type GraphContext } from './context.ts';
import { PlantgraphError } from './errors.ts';
import type { FieldResolve } from './mutation-guard.ts';

/**
 * Site scope: a caller limited to some sites sees only their assets and everything hanging off
 * them. Every object the graph hands out that belongs to an asset carries `assetId` (or is an
 * Asset), so one check covers every subgraph: list fields drop what lies outside, a single
 * object outside is FORBIDDEN, entity references outside resolve to null, and event streams
 * skip events outside. The rule itself (which paths the sites cover) is the assets domain's.
 */

/** The paths of the caller's sites; undefined when the caller may see every site. */
export function sitePaths(context: GraphContext): Promise<string[] | undefined> {
  // Through the request's loader: every field's check reuses the sites' paths.
  return siteRoots(context.identity.sites, async (ids) => {
    const found = await loader(context, assetPathById).loadMany(ids);
    // A failed lookup is an error, never "no such site": that would quietly show the caller nothing.
    const failed = found.find((site) => site instanceof Error);
    if (failed) throw failed;
    return found as (AssetPath | null)[];
  });
}

/** Whether an asset path lies within the caller's sites. */
export async function pathInScope(context: GraphContext, path: string): Promise<boolean> {
  return withinSites(path, await sitePaths(context));
}

/** The asset a value belongs to, if it belongs to one. */
function assetOf(value: unknown, typeName: string | undefined): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { assetId, id } = value as { assetId?: unknown; id?: unknown };
  if (typeof assetId === 'string') return assetId;
  if (typeName === 'Asset' && typeof id === 'string') return id;
  return undefined;
}

/** Whether `value` (any object) may be shown to the caller. */
export async function inScope(
  context: GraphContext,
  value: unknown,
  typeName?: string,
): Promise<boolean> {
  if (!context.identity.sites) return true;
  const assetId = assetOf(value, typeName);
  if (assetId === undefined) return true;
  const asset = await loader(context, assetPathById).load(assetId);
  return asset ? pathInScope(context, asset.path) : false;
}

async function keep<T>(context: GraphContext, items: T[], typeName: string): Promise<T[]> {
  const allowed = await Promise.all(items.map((item) => inScope(context, item, typeName)));
  return items.filter((_, index) => allowed[index]);
}

const outOfScope = (info: GraphQLResolveInfo) =>
  new PlantgraphError('FORBIDDEN', `"${info.fieldName}" is outside the sites you may see`, {
    field: info.fieldName,
  });

/** What a field returned, filtered or refused for the caller's sites. */
export async function scopeResult(
  context: GraphContext,
  info: GraphQLResolveInfo,
  result: unknown,
): Promise<unknown> {
  if (!context.identity.sites || result === null || typeof result !== 'object') return result;
  const typeName = getNamedType(info.returnType).name;
  if (Array.isArray(result)) {
    // Lists of things without an asset (datapoints, buckets) pass at the cost of one look.
    if (result.length === 0 || assetOf(result[0], typeName) === undefined) return result;
    return keep(context, result, typeName);
  }
  const { edges } = result as { edges?: { node: unknown }[] };
  if (Array.isArray(edges)) {
    const nodeType = typeName.replace(/Connection$/, '');
    const allowed = await Promise.all(edges.map((edge) => inScope(context, edge.node, nodeType)));
    return { ...result, edges: edges.filter((_, index) => allowed[index]) };
  }
  if (!(await inScope(context, result, typeName))) throw outOfScope(info);
  return result;
}

/** Wraps a field resolver with the site-scope check of what it returns. */
export function scopeResults(resolve: FieldResolve): FieldResolve {
  // Callers who see every site take the resolver as it is: no extra promise per field.
  return (root, args, context, info) =>
    context.identity.sites
      ? Promise.resolve(resolve(root, args, context, info)).then((result) =>
          scopeResult(context, info, result),
        )
      : resolve(root, args, context, info);
}

/**
 * Refuses, before anything is written, a mutation that names an asset outside the caller's
 * sites: FORBIDDEN naming the argument. Writes must check first; the field check above only
 * sees what a mutation returns, after it ran.
 */
export async function requireInScope(
  context: GraphContext,
  assetId: string,
  argument: string,
): Promise<void> {
  if (!context.identity.sites) return;
  const asset = await loader(context, assetPathById).load(assetId);
  if (asset && (await pathInScope(context, asset.path))) return;
  throw new PlantgraphError('FORBIDDEN', `Argument "${argument}": outside the sites you may see`, {
    argument,
  });
}

/** Tables whose rows belong to an asset through `asset_id`. */
export type AssetOwned = 'tag' | 'production_order' | 'alarm_event' | 'measurement';

const ownerLoaders = new Map<
  AssetOwned,
  (context: GraphContext) => DataLoader<string, string | null>
>();

/** The asset a row of `table` belongs to; null for unknown ids. Batched per request. */
export function assetIdOf(
  context: GraphContext,
  table: AssetOwned,
  id: string,
): Promise<string | null> {
  let factory = ownerLoaders.get(table);
  if (!factory) {
    factory = (ctx) =>
      new DataLoader<string, string | null>(async (ids) => {
        const rows = await ctx.sql.query<{ id: string; asset_id: string }>(
          `select id, asset_id from ${table} where id = any($1::uuid[])`,
          [ids],
        );
        const owners = new Map(rows.map((row) => [row.id, row.asset_id]));
        return ids.map((key) => owners.get(key) ?? null);
      });
    ownerLoaders.set(table, factory);
  }
  return loader(context, factory).load(id);
}

/**
 * A domain's read of the asset each of its rows belongs to, in the order of `ids`, null for
 * unknown ids (e.g. the orders domain's `assetsOfOrders`).
 */
export type AssetOwnerLookup = (
  sql: Sql,
  ids: readonly string[],
) => Promise<readonly (string | null)[]>;

const lookupLoaders = new Map<
  AssetOwnerLookup,
  (context: GraphContext) => DataLoader<string, string | null>
>();

/** The asset a row belongs to, as `assetsOf` tells; null for unknown ids. Batched per request. */
function ownerOf(context: GraphContext, assetsOf: AssetOwnerLookup, id: string) {
  let factory = lookupLoaders.get(assetsOf);
  if (!factory) {
    factory = (ctx) => new DataLoader<string, string | null>((ids) => assetsOf(ctx.sql, ids));
    lookupLoaders.set(assetsOf, factory);
  }
  return loader(context, factory).load(id);
}

/**
 * Like requireInScope, for a row of another domain named by `argument`: `assetsOf` is that
 * domain's read of its rows' assets.
 */
export async function requireOwnedInScope(
  context: GraphContext,
  assetsOf: AssetOwnerLookup,
  id: string,
  argument: string,
): Promise<void> {
  if (!context.identity.sites) return;
  const assetId = await ownerOf(context, assetsOf, id);
  // Unknown rows are left to the mutation, which answers NOT_FOUND.
  if (assetId) await requireInScope(context, assetId, argument);
}

/** For reference resolvers of entities without an assetId: adds it when the caller is scoped. */
export async function withOwner<T extends object>(
  context: GraphContext,
  table: AssetOwned,
  entity: T & { id: string },
): Promise<T & { assetId?: string }> {
  if (!context.identity.sites) return entity;
  const assetId = await assetIdOf(context, table, entity.id);
  return assetId ? Object.assign(entity, { assetId }) : entity;
}

/**
 * A SQL condition limiting `pathColumn` (an asset path) to the caller's sites, with its
 * parameters numbered from `$at`; `true` for callers who see every site. Lists put it into their
 * statements so that pages are full and totals count only what the caller may see.
 */
export async function scopeFilter(
  context: GraphContext,
  pathColumn: string,
  at: number,
): Promise<[clause: string, params: unknown[]]> {
  return siteScopeCondition(pathColumn, at, await sitePaths(context));
}
