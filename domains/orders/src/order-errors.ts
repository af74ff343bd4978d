/**
 * What the orders domain refuses, in the plant's terms. Adapters translate these into their own
 * error model (the orders subgraph into coded GraphQL errors) in one place each; the domain knows
 * nothing of GraphQL or HTTP.
 */
export abstract class OrderDomainError extends Error {}

/** An input the domain cannot use; `field` names it as the caller spelt it, e.g. `input.quantity`. */
export class InvalidOrderInput extends OrderDomainError {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidOrderInput';
  }
}

/** A record the request names does not exist. */
export class RecordNotFound extends OrderDomainError {
  constructor(
    readonly entity: 'ProductionOrder' | 'Asset',
    readonly id: string,
    readonly field: string,
  ) {
    super(`${entity} "${id}" does not exist (${field})`);
    this.name = 'RecordNotFound';
  }
}

export class OrderNotFound extends RecordNotFound {
  constructor(id: string, field: string) {
    super('ProductionOrder', id, field);
  }
}

export class AssetNotFound extends RecordNotFound {
  constructor(id: string, field: string) {
    super('Asset', id, field);
  }
}

/** The request clashes with the stored state: an illegal step, a taken number, a busy machine. */
export class OrderConflict extends OrderDomainError {
  constructor(message: string) {
    super(message);
    this.name = 'OrderConflict';
  }
}

/** The status machine has no step from `from` to `to`. */
export class IllegalTransition extends OrderConflict {
  constructor(
    readonly from: string,
    readonly to: string,
    allowed: readonly string[],
  ) {
    const options = allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : `${from} is final`;
    super(`Cannot change a production order from ${from} to ${to} (${options})`);
  }
}

/** Someone else changed the order between our read and our write. */
export class OrderChangedConcurrently extends OrderConflict {
  constructor(readonly orderId: string) {
    super(`Production order "${orderId}" was changed concurrently; try again`);
  }
}
