import { NodeId, type ExpandedNodeId } from 'node-opcua';

/** The local node id of a reference target or translated browse path. */
export function toNodeId(expanded: ExpandedNodeId): NodeId {
  return new NodeId(expanded.identifierType, expanded.value, expanded.namespace);
}

/** Splits `items` into runs of at most `size`, for servers' per-call operation limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
