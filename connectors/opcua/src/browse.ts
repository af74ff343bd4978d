import {
  AttributeIds,
  BrowseDirection,
  DataType,
  NodeClass,
  NodeClassMask,
  NodeIdType,
  ReferenceTypeIds,
  VariantArrayType,
  resolveNodeId,
  type BrowseResult,
  type ClientSession,
  type DataValue,
  type NodeId,
  type NodeIdLike,
  type QualifiedName,
  type ReferenceDescription,
} from 'node-opcua';
import { chunks, toNodeId } from './common.ts';
import { sampleValueOf } from './sample.ts';

/** One node of a browsed address space, with what a mapping needs to reference it. */
export interface BrowsedNode {
  /** e.g. `ns=2;s=Press01.Temperature`: the `nodeId` of a mapping source. */
  nodeId: string;
  /** With its namespace index, e.g. `2:Temperature`: a segment of a `browsePath` source. */
  browseName: string;
  nodeClass: string;
  /** Variables only. */
  dataType?: string;
  /** Variables only: the current value, or the status when it is not good. */
  value?: string;
  /** Array variables only: ValueRank (1 for an array, 2 for a matrix, …; 0, -2, -3 open). */
  valueRank?: number;
  /** Array variables only: the length of each dimension; 0 where it is not fixed. */
  arrayDimensions?: number[];
  /** Structure variables only: every field a mapping's `field` can name, nested ones dotted. */
  fields?: BrowsedField[];
  children: BrowsedNode[];
}

/** A field of a structure, from its data type's DataTypeDefinition (OPC UA 1.04). */
export interface BrowsedField {
  /** `Axis.X`, or `Axes[i].Position` below an array of structures (index it in a mapping). */
  path: string;
  /** The field's data type, with `[]` for an array. */
  dataType: string;
}

/** Nodes per Browse or Read call; far below what servers accept, and few round trips. */
const perCall = 100;
const arrayPreview = 5;
/** Nested structures listed this deep; a data type that contains itself would never end. */
const maxFieldDepth = 5;
const scalarRank = -1;

/**
 * Browses the objects and variables below `nodeId` along hierarchical references, `depth` levels
 * deep, and reads the data type and current value of every variable. A node reachable on two
 * paths is listed under the first.
 */
export async function browseTree(
  session: ClientSession,
  nodeId: NodeIdLike,
  depth: number,
): Promise<BrowsedNode> {
  const rootId = resolveNodeId(nodeId);
  const root = await describeRoot(session, rootId);
  const dataTypeNames = new Map<string, string>();
  if (root.nodeClass === 'Variable')
    await describeVariables(session, [[root, rootId]], dataTypeNames);
  const seen = new Set([rootId.toString()]);
  let level: [BrowsedNode, NodeId][] = [[root, rootId]];
  for (let levelNumber = 0; levelNumber < depth && level.length > 0; levelNumber++) {
    const references = await browseChildren(
      session,
      level.map(([, id]) => id),
    );
    const next: [BrowsedNode, NodeId][] = [];
    level.forEach(([parent], index) => {
      for (const reference of references[index] ?? []) {
        const id = toNodeId(reference.nodeId);
        if (seen.has(id.toString())) continue;
        seen.add(id.toString());
        const child: BrowsedNode = {
          nodeId: id.toString(),
          browseName: qualifiedName(reference.browseName),
          nodeClass: NodeClass[reference.nodeClass] ?? String(reference.nodeClass),
          children: [],
        };
        parent.children.push(child);
        next.push([child, id]);
      }
    });
    const variables = next.filter(([node]) => node.nodeClass === 'Variable');
    await describeVariables(session, variables, dataTypeNames);
    level = next;
  }
  return root;
}

/** The tree as text, one node a line: browse name, node id, node class, data type = value. */
export function formatBrowseTree(root: BrowsedNode): string {
  const lines = [describeNode(root)];
  const walk = (node: BrowsedNode, indent: string) => {
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${describeNode(child)}`);
      const childIndent = `${indent}${last ? '   ' : '│  '}`;
      lines.push(...fieldLines(child, childIndent));
      walk(child, childIndent);
    });
  };
  lines.push(...fieldLines(root, ''));
  walk(root, '');
  return lines.join('\n');
}

function describeNode(node: BrowsedNode): string {
  const parts = [node.browseName, node.nodeId, node.nodeClass];
  if (node.dataType !== undefined) {
    const shape = node.valueRank === undefined ? '' : shapeOf(node.valueRank, node.arrayDimensions);
    parts.push(`${node.dataType}${shape} = ${node.value}`);
  }
  return parts.join('  ');
}

/** `[3]` for an array of 3, `[2][3]` for a matrix, `[]` where a length is not fixed. */
function shapeOf(valueRank: number, dimensions: number[] = []): string {
  if (valueRank === 0) return '[…]';
  if (valueRank === -2) return ' (any rank)';
  if (valueRank === -3) return ' (scalar or [])';
  return Array.from({ length: valueRank }, (_, index) => `[${dimensions[index] || ''}]`).join('');
}

async function describeRoot(session: ClientSession, nodeId: NodeId): Promise<BrowsedNode> {
  const [browseName, nodeClass] = await session.read([
    { nodeId, attributeId: AttributeIds.BrowseName },
    { nodeId, attributeId: AttributeIds.NodeClass },
  ]);
  if (!browseName?.statusCode.isGood() || !nodeClass) {
    throw new Error(`Node ${nodeId.toString()} not found: ${browseName?.statusCode.name}`);
  }
  return {
    nodeId: nodeId.toString(),
    browseName: qualifiedName(browseName.value.value as QualifiedName),
    nodeClass: NodeClass[nodeClass.value.value as NodeClass] ?? String(nodeClass.value.value),
    children: [],
  };
}

async function browseChildren(
  session: ClientSession,
  nodeIds: NodeId[],
): Promise<ReferenceDescription[][]> {
  const children: ReferenceDescription[][] = [];
  for (const chunk of chunks(nodeIds, perCall)) {
    const results = await session.browse(
      chunk.map((nodeId) => ({
        nodeId,
        browseDirection: BrowseDirection.Forward,
        referenceTypeId: ReferenceTypeIds.HierarchicalReferences,
        includeSubtypes: true,
        nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable | NodeClassMask.View,
        resultMask: 0x3f,
      })),
    );
    for (const result of results) children.push(await allReferences(session, result));
  }
  return children;
}

/** Servers hand out long reference lists in parts, each behind a continuation point. */
async function allReferences(
  session: ClientSession,
  first: BrowseResult,
): Promise<ReferenceDescription[]> {
  const references = [...(first.references ?? [])];
  let continuationPoint = first.continuationPoint;
  while (continuationPoint && continuationPoint.length > 0) {
    const next = await session.browseNext(continuationPoint, false);
    references.push(...(next.references ?? []));
    continuationPoint = next.continuationPoint;
  }
  return references;
}

/** Attributes read per variable, in this order. */
const variableAttributes = [
  AttributeIds.DataType,
  AttributeIds.Value,
  AttributeIds.ValueRank,
  AttributeIds.ArrayDimensions,
];

async function describeVariables(
  session: ClientSession,
  variables: [BrowsedNode, NodeId][],
  dataTypeNames: Map<string, string>,
): Promise<void> {
  const stride = variableAttributes.length;
  const structures = new Map<string, StructureField[] | null>();
  for (const chunk of chunks(variables, Math.floor(perCall / 2))) {
    const values = await session.read(
      chunk.flatMap(([, nodeId]) =>
        variableAttributes.map((attributeId) => ({ nodeId, attributeId })),
      ),
    );
    const attribute = (index: number, offset: number) => values[stride * index + offset]?.value;
    const dataTypeIds = chunk.map((_, index) => attribute(index, 0)?.value as NodeId | null);
    await nameDataTypes(session, dataTypeIds, dataTypeNames);
    for (const [index, [node]] of chunk.entries()) {
      const dataTypeId = dataTypeIds[index];
      node.dataType = dataTypeId ? dataTypeNames.get(dataTypeId.toString()) : 'unknown';
      node.value = formatValue(values[stride * index + 1]);
      const valueRank = attribute(index, 2)?.value as number | null | undefined;
      if (typeof valueRank === 'number' && valueRank !== scalarRank) {
        node.valueRank = valueRank;
        const dimensions = attribute(index, 3)?.value as ArrayLike<number> | null | undefined;
        if (dimensions && dimensions.length > 0) node.arrayDimensions = Array.from(dimensions);
      }
      if (!dataTypeId || builtInName(dataTypeId)) continue;
      const fields = await structureFields(session, dataTypeId, dataTypeNames, structures, 0);
      if (fields.length > 0) node.fields = fields;
    }
  }
}

/**
 * The fields of a structure data type as mapping paths, nested structures flattened into dotted
 * paths; none for a data type without a StructureDefinition (an enumeration, a simple type, a
 * server older than OPC UA 1.04).
 */
async function structureFields(
  session: ClientSession,
  dataTypeId: NodeId,
  names: Map<string, string>,
  definitions: Map<string, StructureField[] | null>,
  depth: number,
): Promise<BrowsedField[]> {
  if (depth >= maxFieldDepth) return [];
  const fields = await definitionOf(session, dataTypeId, definitions);
  if (!fields) return [];
  await nameDataTypes(
    session,
    fields.map((field) => field.dataType),
    names,
  );
  const listed: BrowsedField[] = [];
  for (const field of fields) {
    const isArray = field.valueRank !== scalarRank;
    const typeName = names.get(field.dataType.toString()) ?? field.dataType.toString();
    const path = field.name ?? '';
    listed.push({ path, dataType: isArray ? `${typeName}[]` : typeName });
    if (builtInName(field.dataType)) continue;
    const nested = await structureFields(session, field.dataType, names, definitions, depth + 1);
    const prefix = isArray ? `${path}[i]` : path;
    listed.push(...nested.map((inner) => ({ ...inner, path: `${prefix}.${inner.path}` })));
  }
  return listed;
}

async function definitionOf(
  session: ClientSession,
  dataTypeId: NodeId,
  definitions: Map<string, StructureField[] | null>,
): Promise<StructureField[] | null> {
  const key = dataTypeId.toString();
  const known = definitions.get(key);
  if (known !== undefined) return known;
  const [read] = await session.read([
    { nodeId: dataTypeId, attributeId: AttributeIds.DataTypeDefinition },
  ]);
  const definition: unknown = read?.statusCode.isGood() ? read.value.value : null;
  const fields = isStructureDefinition(definition) ? (definition.fields ?? []) : null;
  definitions.set(key, fields);
  return fields;
}

/**
 * A StructureDefinition (OPC UA Part 3, 8.48); an EnumDefinition has fields too, but no
 * structure type.
 */
interface StructureDefinitionLike {
  structureType: number;
  fields: StructureField[] | null;
}

interface StructureField {
  name: string | null;
  dataType: NodeId;
  valueRank: number;
}

function isStructureDefinition(value: unknown): value is StructureDefinitionLike {
  return (
    typeof value === 'object' && value !== null && 'structureType' in value && 'fields' in value
  );
}

/** The lines listing a structure variable's fields, below its own line. */
function fieldLines(node: BrowsedNode, indent: string): string[] {
  return (node.fields ?? []).map((field) => `${indent}   · ${field.path}: ${field.dataType}`);
}

/** Built-in types by their enum name; others (Duration, vendor types) by their browse name. */
async function nameDataTypes(
  session: ClientSession,
  ids: (NodeId | null)[],
  names: Map<string, string>,
): Promise<void> {
  const unknown = [
    ...new Map(
      ids
        .filter((id): id is NodeId => id !== null && !names.has(id.toString()))
        .map((id) => [id.toString(), id]),
    ).values(),
  ];
  const toRead = unknown.filter((id) => {
    const name = builtInName(id);
    if (name) names.set(id.toString(), name);
    return !name;
  });
  if (toRead.length === 0) return;
  const browseNames = await session.read(
    toRead.map((nodeId) => ({ nodeId, attributeId: AttributeIds.BrowseName })),
  );
  toRead.forEach((id, index) => {
    const browseName = browseNames[index]?.value.value as QualifiedName | null | undefined;
    names.set(id.toString(), browseName?.name ?? id.toString());
  });
}

/** The built-in data types (namespace 0, numeric ids below 26) by their enum name. */
function builtInName(id: NodeId): string | undefined {
  return id.namespace === 0 && id.identifierType === NodeIdType.NUMERIC
    ? DataType[id.value as number]
    : undefined;
}

const structurePreview = 80;

function formatValue(dataValue: DataValue | undefined): string {
  if (!dataValue) return '?';
  if (!dataValue.statusCode.isGood()) return `<${dataValue.statusCode.name}>`;
  const variant = dataValue.value;
  const converted = sampleValueOf(variant);
  if (!converted.ok) return `<${DataType[variant.dataType]}>`;
  if (variant.arrayType !== VariantArrayType.Scalar && Array.isArray(converted.value)) {
    const items = converted.value as unknown[];
    const preview = items.slice(0, arrayPreview).map(formatItem).join(', ');
    return `[${preview}${items.length > arrayPreview ? ', …' : ''}] (${items.length} items)`;
  }
  return formatItem(converted.value);
}

/** Strings quoted, structures as JSON cut short; numbers and booleans as they are. */
function formatItem(item: unknown): string {
  if (typeof item === 'string') return JSON.stringify(item);
  if (typeof item !== 'object' || item === null) return String(item);
  const text = JSON.stringify(item);
  return text.length > structurePreview ? `${text.slice(0, structurePreview - 1)}…` : text;
}

/** `2:Temperature`; namespace 0 names go without the prefix, as in relative paths. */
function qualifiedName(name: QualifiedName): string {
  return name.namespaceIndex === 0 ? (name.name ?? '') : `${name.namespaceIndex}:${name.name}`;
}
