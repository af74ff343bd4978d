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
import { scalarValueOf } from './sample.ts';

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
  children: BrowsedNode[];
}

/** Nodes per Browse or Read call; far below what servers accept, and few round trips. */
const perCall = 100;
const arrayPreview = 5;

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
      walk(child, `${indent}${last ? '   ' : '│  '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}

function describeNode(node: BrowsedNode): string {
  const parts = [node.browseName, node.nodeId, node.nodeClass];
  if (node.dataType !== undefined) parts.push(`${node.dataType} = ${node.value}`);
  return parts.join('  ');
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

async function describeVariables(
  session: ClientSession,
  variables: [BrowsedNode, NodeId][],
  dataTypeNames: Map<string, string>,
): Promise<void> {
  for (const chunk of chunks(variables, perCall)) {
    const values = await session.read(
      chunk.flatMap(([, nodeId]) => [
        { nodeId, attributeId: AttributeIds.DataType },
        { nodeId, attributeId: AttributeIds.Value },
      ]),
    );
    const dataTypeIds = chunk.map((_, index) => values[2 * index]?.value.value as NodeId | null);
    await nameDataTypes(session, dataTypeIds, dataTypeNames);
    chunk.forEach(([node], index) => {
      const dataTypeId = dataTypeIds[index];
      node.dataType = dataTypeId ? dataTypeNames.get(dataTypeId.toString()) : 'unknown';
      node.value = formatValue(values[2 * index + 1]);
    });
  }
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
  const builtIn = (id: NodeId) =>
    id.namespace === 0 && id.identifierType === NodeIdType.NUMERIC
      ? DataType[id.value as number]
      : undefined;
  const toRead = unknown.filter((id) => {
    const name = builtIn(id);
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

function formatValue(dataValue: DataValue | undefined): string {
  if (!dataValue) return '?';
  if (!dataValue.statusCode.isGood()) return `<${dataValue.statusCode.name}>`;
  const variant = dataValue.value;
  if (variant.arrayType !== VariantArrayType.Scalar) {
    const items = Array.from((variant.value ?? []) as ArrayLike<unknown>);
    const preview = items.slice(0, arrayPreview).map(String).join(', ');
    return `[${preview}${items.length > arrayPreview ? ', …' : ''}] (${items.length} items)`;
  }
  const converted = scalarValueOf(variant);
  if (!converted.ok) return `<${DataType[variant.dataType]}>`;
  return typeof converted.value === 'string'
    ? JSON.stringify(converted.value)
    : String(converted.value);
}

/** `2:Temperature`; namespace 0 names go without the prefix, as in relative paths. */
function qualifiedName(name: QualifiedName): string {
  return name.namespaceIndex === 0 ? (name.name ?? '') : `${name.namespaceIndex}:${name.name}`;
}
