import { AttributeIds, VariableIds, type ClientSession, type DataValue } from 'node-opcua';
import { chunks } from './common.ts';
import type { Target } from './subscriptions.ts';

/** A target and the value the server holds for it now. */
export interface CurrentValue {
  target: Target;
  dataValue: DataValue;
}

/**
 * Reads the current value of every target (OPC UA Read service, Part 4 5.10.2), at most the
 * server's MaxNodesPerRead per call. A node the server cannot read comes back with a bad status,
 * which the mapping treats like any bad sample.
 */
export async function readCurrentValues(
  session: ClientSession,
  targets: readonly Target[],
  /** The server's MaxNodesPerRead when already known (null: no limit); read when not given. */
  knownMaxNodesPerRead?: number | null,
): Promise<CurrentValue[]> {
  if (targets.length === 0) return [];
  const values: CurrentValue[] = [];
  const perRead =
    knownMaxNodesPerRead === undefined
      ? await maxNodesPerRead(session)
      : (knownMaxNodesPerRead ?? Number.MAX_SAFE_INTEGER);
  for (const chunk of chunks(targets, perRead)) {
    const dataValues = await session.read(
      chunk.map((target) => ({ nodeId: target.nodeId, attributeId: AttributeIds.Value })),
      0,
    );
    chunk.forEach((target, index) => {
      const dataValue = dataValues[index];
      if (dataValue) values.push({ target, dataValue });
    });
  }
  return values;
}

/** The server's per-call read limit; 0, or a server that does not publish it, means none. */
async function maxNodesPerRead(session: ClientSession): Promise<number> {
  const [limit] = await session.read(
    [
      {
        nodeId: VariableIds.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
        attributeId: AttributeIds.Value,
      },
    ],
    0,
  );
  const value = limit?.statusCode.isGood() ? Number(limit.value.value) : 0;
  return value > 0 ? value : Number.MAX_SAFE_INTEGER;
}
