/**
 * SQL fragments for other domains' statements that filter or label their rows by the asset they
 * belong to. They keep the asset table's SQL here while the caller stays at one statement.
 */

/**
 * `join asset <alias> on <alias>.id = <assetIdColumn>`: the asset a row belongs to, so that
 * the statement can filter by `<alias>.path`.
 */
export function joinAsset(alias: string, assetIdColumn: string): string {
  return `join asset ${alias} on ${alias}.id = ${assetIdColumn}`;
}

/** A subquery of the ids of the assets meeting `condition`, a SQL condition on asset's columns. */
export function assetIdsWhere(condition: string): string {
  return `(select id from asset where ${condition})`;
}

/**
 * A subquery of the ids of the assets at or below the paths in `pathsParameter` (a text[]
 * expression), e.g. the roots of the caller's sites.
 */
export function assetIdsWithin(pathsParameter: string): string {
  return `(select a.id from asset a join unnest(${pathsParameter}) as site(path)
        on a.path = site.path or starts_with(a.path, site.path || '/'))`;
}

/** A scalar subquery: the path of the asset whose id is `assetIdExpression`, null if none. */
export function assetPathOf(assetIdExpression: string): string {
  return `(select path from asset where id = ${assetIdExpression})`;
}
