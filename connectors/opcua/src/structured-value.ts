import {
  DataType,
  Int64ToBigInt,
  LocalizedText,
  NodeId,
  QualifiedName,
  UInt64ToBigInt,
  Variant,
  VariantArrayType,
  type Int64,
  type UInt64,
} from 'node-opcua';

/**
 * OPC UA arrays and structures as plain JSON, the form the mapper picks elements and fields
 * from (`index`, `field`) and JSON tags store. A structure becomes an object keyed by the field
 * names of its DataTypeDefinition (`Position`, not node-opcua's `position`), nested structures
 * nested objects; 64-bit integers become numbers (exact up to 2^53), dates ISO strings, byte
 * strings base64, localized text its text, node ids and qualified names their string form.
 */
export type PlainValue = { ok: true; value: unknown } | { ok: false; reason: string };

/** The part of node-opcua's structure schema (node-opcua-factory) this conversion reads. */
interface StructureSchema {
  name: string;
  fields: readonly { name: string; originalName?: string; fieldType: string; isArray?: boolean }[];
  getBaseSchema?: () => StructureSchema | null;
}

interface Structure {
  schema: StructureSchema;
}

class Undecoded extends Error {}

/** A variant holding an array, a matrix or a structure, as plain JSON. */
export function plainValueOf(variant: Variant): PlainValue {
  const typeName = DataType[variant.dataType] ?? `DataType ${variant.dataType}`;
  try {
    if (variant.arrayType === VariantArrayType.Scalar) {
      return { ok: true, value: plainOf(variant.value, typeName) };
    }
    const elements = Array.from(variant.value as ArrayLike<unknown>, (item) =>
      plainOf(item, typeName),
    );
    if (variant.arrayType === VariantArrayType.Array) return { ok: true, value: elements };
    return { ok: true, value: nest(elements, variant.dimensions ?? [elements.length]) };
  } catch (error) {
    if (error instanceof Undecoded) return { ok: false, reason: error.message };
    throw error;
  }
}

/** A matrix's flat elements as nested arrays, the first dimension outermost (OPC UA Part 6, 5.2.2.16). */
function nest(elements: unknown[], dimensions: readonly number[]): unknown[] {
  const [first = elements.length, ...rest] = dimensions;
  if (rest.length === 0) return elements.slice(0, first);
  const size = rest.reduce((product, dimension) => product * dimension, 1);
  return Array.from({ length: first }, (_, row) =>
    nest(elements.slice(row * size, (row + 1) * size), rest),
  );
}

function plainOf(value: unknown, typeName: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeName === 'Int64' && isWordPair(value)) return Number(Int64ToBigInt(value as Int64));
  if (typeName === 'UInt64' && isWordPair(value)) return Number(UInt64ToBigInt(value as UInt64));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof LocalizedText) return value.text ?? null;
  if (value instanceof QualifiedName) return value.name ?? null;
  if (value instanceof NodeId) return value.toString();
  if (value instanceof Variant) {
    const inner = plainValueOf(value);
    if (!inner.ok) throw new Undecoded(inner.reason);
    return inner.value;
  }
  if (isStructure(value)) {
    // node-opcua leaves a structure whose data type it could not find as an OpaqueStructure:
    // the encoded bytes under the schema of ExtensionObject itself, which has no fields.
    if (value.schema.name === 'ExtensionObject') throw new Undecoded(undecoded(typeName));
    return structureOf(value);
  }
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    return Array.from(value as ArrayLike<unknown>, (item) => plainOf(item, typeName));
  }
  if (typeof value === 'object') throw new Undecoded(undecoded(typeName));
  return value;
}

const undecoded = (typeName: string) =>
  `cannot decode the ${typeName} value: the server describes no data type for it`;

function structureOf(structure: Structure): Record<string, unknown> {
  const record = structure as unknown as Record<string, unknown>;
  const plain: Record<string, unknown> = {};
  for (const field of fieldsOf(structure.schema)) {
    const raw = record[field.name];
    plain[field.originalName ?? field.name] = plainOf(raw, field.fieldType);
  }
  return plain;
}

/** The fields of a structure, those of its base types first, as the encoding orders them. */
function fieldsOf(schema: StructureSchema): StructureSchema['fields'] {
  const base = schema.getBaseSchema?.();
  return base ? [...fieldsOf(base), ...schema.fields] : schema.fields;
}

function isStructure(value: unknown): value is Structure {
  if (typeof value !== 'object' || value === null || !('schema' in value)) return false;
  const schema = (value as { schema: unknown }).schema;
  return typeof schema === 'object' && schema !== null && 'fields' in schema;
}

const isWordPair = (value: unknown) =>
  Array.isArray(value) && value.length === 2 && value.every((word) => typeof word === 'number');
