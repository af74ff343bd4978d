import { createHash } from 'node:crypto';
import { InvalidOrderInput } from './order-errors.ts';

/** A new order as a planner or an ERP sends it; the field names are the API's. */
export interface NewOrderInput {
  number: string;
  externalId?: string | null;
  idempotencyKey?: string | null;
  material: string;
  quantity: number;
  unit?: string | null;
  priority?: number | null;
  dueAt?: Date | null;
  plannedStart?: Date | null;
  plannedEnd?: Date | null;
  assetId: string;
  parameters?: readonly SetpointInput[] | null;
}

export interface SetpointInput {
  name: string;
  value: number;
  unit?: string | null;
}

/** Changes to a planned order: omitted fields keep their value. */
export interface OrderChangesInput {
  material?: string | null;
  quantity?: number | null;
  unit?: string | null;
  priority?: number | null;
  dueAt?: Date | null;
  assetId?: string | null;
}

/** A validated new order, in production_order's terms. */
export interface NewOrder {
  number: string;
  externalId: string | null;
  material: string;
  quantity: number;
  unit: string;
  priority: number;
  dueAt: Date | null;
  plannedStartAt: Date | null;
  plannedEndAt: Date | null;
  assetId: string;
}

export interface NewSetpoint {
  name: string;
  value: number;
  unit: string | null;
}

export type OrderChanges = Partial<
  Omit<NewOrder, 'number' | 'externalId' | 'plannedStartAt' | 'plannedEndAt'>
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isSet = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** A well-formed id, lower-cased for comparison. */
export function requireId(value: string, field: string, entity: string): string {
  if (!UUID.test(value))
    throw new InvalidOrderInput(field, `"${value}" is not a valid ${entity} id`);
  return value.toLowerCase();
}

export function requireText(value: string, field: string): string {
  const text = value.trim();
  if (text === '') throw new InvalidOrderInput(field, 'must not be empty');
  return text;
}

function requireQuantity(value: number, field = 'input.quantity'): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidOrderInput(field, `must be a finite number greater than 0, got ${value}`);
  }
  return value;
}

/** An omitted field stays as it is; an explicit null is refused where the column has no null. */
function given<T>(value: T | null | undefined, field: string): T | undefined {
  if (value === null) throw new InvalidOrderInput(field, 'must not be null');
  return value;
}

export function validateNewOrder(input: NewOrderInput): NewOrder {
  const plannedStartAt = input.plannedStart ?? null;
  const plannedEndAt = input.plannedEnd ?? null;
  if (plannedStartAt && plannedEndAt && plannedEndAt < plannedStartAt) {
    throw new InvalidOrderInput('input.plannedEnd', 'must not be before input.plannedStart');
  }
  return {
    number: requireText(input.number, 'input.number'),
    externalId: isSet(input.externalId) ? requireText(input.externalId, 'input.externalId') : null,
    material: requireText(input.material, 'input.material'),
    quantity: requireQuantity(input.quantity),
    unit: isSet(input.unit) ? requireText(input.unit, 'input.unit') : 'pcs',
    priority: input.priority ?? 0,
    dueAt: input.dueAt ?? null,
    plannedStartAt,
    plannedEndAt,
    assetId: requireId(input.assetId, 'input.assetId', 'Asset'),
  };
}

/** Setpoints with unique, non-empty names and finite values, in the order given. */
export function validateSetpoints(input: NewOrderInput): NewSetpoint[] {
  const seen = new Set<string>();
  return (input.parameters ?? []).map((parameter, index) => {
    const field = `input.parameters[${index}]`;
    const name = requireText(parameter.name, `${field}.name`);
    if (seen.has(name)) throw new InvalidOrderInput(`${field}.name`, `repeats "${name}"`);
    seen.add(name);
    if (!Number.isFinite(parameter.value)) {
      throw new InvalidOrderInput(`${field}.value`, `must be a finite number`);
    }
    const unit = isSet(parameter.unit) ? requireText(parameter.unit, `${field}.unit`) : null;
    return { name, value: parameter.value, unit };
  });
}

export function validateIdempotencyKey(input: NewOrderInput): string | null {
  return isSet(input.idempotencyKey)
    ? requireText(input.idempotencyKey, 'input.idempotencyKey')
    : null;
}

/** A fingerprint of what was asked for, so a retried request can be told from a different one. */
export function requestHash(order: NewOrder, setpoints: NewSetpoint[]): string {
  const canonical = JSON.stringify([order, setpoints]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function validateChanges(input: OrderChangesInput): OrderChanges {
  const changes: OrderChanges = {};
  const material = given(input.material, 'input.material');
  if (material !== undefined) changes.material = requireText(material, 'input.material');
  const quantity = given(input.quantity, 'input.quantity');
  if (quantity !== undefined) changes.quantity = requireQuantity(quantity);
  const unit = given(input.unit, 'input.unit');
  if (unit !== undefined) changes.unit = requireText(unit, 'input.unit');
  const priority = given(input.priority, 'input.priority');
  if (priority !== undefined) changes.priority = priority;
  if (input.dueAt !== undefined) changes.dueAt = input.dueAt;
  const assetId = given(input.assetId, 'input.assetId');
  if (assetId !== undefined) changes.assetId = requireId(assetId, 'input.assetId', 'Asset');
  if (Object.keys(changes).length === 0) {
    throw new InvalidOrderInput('input', 'must set at least one field');
  }
  return changes;
}

/** Prisma's P2002 or PostgreSQL's 23505: a unique constraint refused the write. */
export function isDuplicate(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'P2002' || code === '23505';
}
