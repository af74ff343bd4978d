/**
 * What the asset model's writes refuse, in the plant's terms. Each names the field to blame as the
 * caller spelt it (`input.parentId`, `id`); adapters translate them into their own error model in
 * one place (the assets subgraph into coded GraphQL errors).
 */
export abstract class AssetModelError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An input the asset model cannot use: a bad name, a parent of the wrong kind, a cycle. */
export class InvalidAssetInput extends AssetModelError {
  constructor(
    field: string,
    readonly problem: string,
  ) {
    super(field, `${field}: ${problem}`);
  }
}

/** An asset or tag the request names does not exist. */
export class AssetModelNotFound extends AssetModelError {
  constructor(
    readonly entity: 'Asset' | 'Tag',
    readonly id: string,
    field: string,
  ) {
    super(field, `${entity} "${id}" does not exist (${field})`);
  }
}

/** The change clashes with what is stored: a taken name, active children of a retiring asset. */
export class AssetModelConflict extends AssetModelError {}
