import {
  AttributeIds,
  HistoryData,
  HistoryReadRequest,
  ReadRawModifiedDetails,
  StatusCodes,
  TimestampsToReturn,
  type ClientSession,
  type DataValue,
  type HistoryReadResult,
} from 'node-opcua';
import type { Logger } from '@plantgraph/config';
import {
  durationMs,
  type BackfillConfig,
  type BackfillReport,
  type IngestRecord,
  type SignalMapper,
} from '@plantgraph/ingest';
import { chunks } from './common.ts';
import { chunkSize, type ServerLimits } from './server-limits.ts';
import { describeDataValue, sampleTime, toSourceSample } from './sample.ts';
import type { Target } from './subscriptions.ts';

/**
 * History backfill (OPC UA Part 11, 6.4.3 ReadRawModifiedDetails): after (re)connecting, the raw
 * history of every mapped node is read from what its tags last stored up to the moment the
 * connection was back, at most `maxWindow` back, and handed on in time order. What storage already
 * holds is dropped by the datapoint's (tag, time) key, so reading from the last stored time itself
 * (inclusive) is safe, and the stored value starts the deadband again after a restart.
 */

/** AccessLevel bit 2 (Part 3, 8.57 AccessLevelType): the node's history can be read. */
const HISTORY_READ = 0x04;

/** The addresses named in a report at most; the count says how many there were. */
const MAX_NAMED_UNSUPPORTED = 20;

/**
 * The latest stored time of the tags each address feeds, by address; an address missing from the
 * map has nothing stored yet. The earliest over an address's tags decides, so no tag misses values.
 */
export type LastStoredTimes = (addresses: readonly string[]) => Promise<Map<string, Date>>;

/** Hands a node's history values on in time order; resolves to the datapoints stored of them. */
export type HistoryDelivery = (target: Target, values: readonly DataValue[]) => Promise<number>;

export interface HistoryBackfillOptions {
  config: BackfillConfig;
  lastStored?: LastStoredTimes;
  deliver: HistoryDelivery;
  logger: Logger;
}

/** A node to read: its target and where its window starts. */
interface PlannedNode {
  target: Target;
  from: Date;
  continuationPoint?: Buffer | null;
}

/** A running tally, turned into the report at the end. */
interface Tally {
  nodes: number;
  valuesRead: number;
  valuesDelivered: number;
  unsupported: string[];
}

/** Reads what a connection missed from the server's history; one per connector. */
export class HistoryBackfill {
  readonly #options: HistoryBackfillOptions;
  readonly #maxWindowMs: number;
  /** The source time of the last live value per address. */
  readonly #seen = new Map<string, Date>();
  /** `#seen` when the connection was lost, until a backfill has taken it. */
  #seenAtLoss: Map<string, Date> | undefined;

  constructor(options: HistoryBackfillOptions) {
    this.#options = options;
    this.#maxWindowMs = durationMs(options.config.maxWindow);
  }

  /** Notes a live value's source time. */
  seen(address: string, time: Date): void {
    this.#seen.set(address, time);
  }

  /**
   * The connection is lost. What the subscriptions deliver once it is back (the server's queued
   * changes, republished) can be stored before the backfill asks storage where to start, which
   * would then skip the gap: the backfill starts no later than the last value seen before it.
   */
  connectionLost(): void {
    this.#seenAtLoss ??= new Map(this.#seen);
  }

  /**
   * Backfills `targets` up to `until` (when the connection was back; live values take over from
   * there), in calls within the server's `limits` (the connector's, lowered by any refusal).
   * Never throws: a failure ends the backfill early and is the report's `error`.
   */
  async run(
    session: ClientSession,
    targets: readonly Target[],
    until: Date,
    limits: Pick<ServerLimits, 'maxNodesPerRead' | 'maxNodesPerHistoryReadData'>,
  ): Promise<BackfillReport> {
    const startedAt = new Date();
    const earliest = new Date(until.getTime() - this.#maxWindowMs);
    const tally: Tally = { nodes: 0, valuesRead: 0, valuesDelivered: 0, unsupported: [] };
    let planned: PlannedNode[] = [];
    let error: string | null = null;
    try {
      const readable = await this.#historyReadable(
        session,
        targets,
        chunkSize(limits.maxNodesPerRead),
        tally,
      );
      const seenAtLoss = this.#seenAtLoss ?? new Map<string, Date>();
      this.#seenAtLoss = undefined;
      planned = await this.#plan(readable, earliest, until, seenAtLoss);
      tally.nodes = planned.length;
      const perCall = Math.min(
        this.#options.config.nodesPerRead,
        chunkSize(limits.maxNodesPerHistoryReadData),
      );
      for (const batch of chunks(planned, perCall)) await this.#read(session, batch, until, tally);
    } catch (failure) {
      error = (failure as Error).message;
      this.#options.logger.warn({ err: failure }, 'history backfill stopped early');
    }
    const from = planned.reduce((min, node) => (node.from < min ? node.from : min), until);
    return {
      from,
      to: until,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      nodes: tally.nodes,
      valuesRead: tally.valuesRead,
      valuesDelivered: tally.valuesDelivered,
      nodesUnsupported: tally.unsupported.length,
      unsupported: tally.unsupported.slice(0, MAX_NAMED_UNSUPPORTED),
      error,
    };
  }

  /**
   * The targets whose history the server lets this session read and keeps: the HistoryRead bit
   * of UserAccessLevel and the Historizing attribute (Part 3, 5.6.2). The others are recorded as
   * unsupported and skipped without a request the server would refuse.
   */
  async #historyReadable(
    session: ClientSession,
    targets: readonly Target[],
    perRead: number,
    tally: Tally,
  ): Promise<Target[]> {
    const readable: Target[] = [];
    // Two attributes per node: half the server's Read limit in nodes per call.
    for (const chunk of chunks(targets, Math.max(1, Math.floor(perRead / 2)))) {
      const attributes = await session.read(
        chunk.flatMap(({ nodeId }) => [
          { nodeId, attributeId: AttributeIds.UserAccessLevel },
          { nodeId, attributeId: AttributeIds.Historizing },
        ]),
      );
      chunk.forEach((target, index) => {
        const access = attributes[index * 2];
        const historizing = attributes[index * 2 + 1];
        const canRead = access?.statusCode.isGood() && Number(access.value.value) & HISTORY_READ;
        if (canRead && historizing?.value.value === true) readable.push(target);
        else tally.unsupported.push(target.address);
      });
    }
    return readable;
  }

  /** Each node's window, earliest first so that a call's nodes start close together. */
  async #plan(
    targets: readonly Target[],
    earliest: Date,
    until: Date,
    seenAtLoss: ReadonlyMap<string, Date>,
  ): Promise<PlannedNode[]> {
    const lastStored = await this.#lastStored(targets.map((target) => target.address));
    return targets
      .map((target) => {
        const known = [lastStored.get(target.address), seenAtLoss.get(target.address)];
        const times = known.filter((time) => time !== undefined).map((time) => time.getTime());
        const from = times.length > 0 ? Math.max(Math.min(...times), earliest.getTime()) : NaN;
        return { target, from: Number.isNaN(from) ? earliest : new Date(from) };
      })
      .filter((node) => node.from < until)
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  /**
   * Without an answer from storage the whole window is read: what was stored already is dropped
   * by its key, so reading more costs time, never duplicates.
   */
  async #lastStored(addresses: readonly string[]): Promise<Map<string, Date>> {
    if (!this.#options.lastStored || addresses.length === 0) return new Map();
    try {
      return await this.#options.lastStored(addresses);
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'last stored times unknown; reading the window');
      return new Map();
    }
  }

  /**
   * Reads one call's nodes from the earliest window start until each node's history is
   * exhausted, following continuation points (Part 4, 5.10.3); values before a node's own start
   * are left out. A failure releases the continuation points still held.
   */
  async #read(session: ClientSession, batch: PlannedNode[], until: Date, tally: Tally) {
    // The batch is sorted by start: its first node starts earliest.
    const [first] = batch;
    if (!first) return;
    const details = new ReadRawModifiedDetails({
      isReadModified: false,
      startTime: first.from,
      endTime: until,
      numValuesPerNode: this.#options.config.valuesPerNode,
      returnBounds: false,
    });
    let pending = batch;
    try {
      while (pending.length > 0) {
        const results = await historyRead(session, details, pending, false);
        const next: PlannedNode[] = [];
        for (const [index, node] of pending.entries()) {
          const result = results[index];
          if (!result || !(await this.#take(node, result, tally))) continue;
          if (result.continuationPoint?.length) {
            next.push({ ...node, continuationPoint: result.continuationPoint });
          }
        }
        pending = next;
      }
    } catch (error) {
      const held = pending.filter((node) => node.continuationPoint?.length);
      if (held.length > 0) await historyRead(session, details, held, true).catch(() => undefined);
      throw error;
    }
  }

  /** Hands one node's page on; false when the node has no (more) history to read. */
  async #take(node: PlannedNode, result: HistoryReadResult, tally: Tally): Promise<boolean> {
    const status = result.statusCode;
    if (status.equals(StatusCodes.BadHistoryOperationUnsupported)) {
      tally.unsupported.push(node.target.address);
      return false;
    }
    if (status.isBad()) {
      this.#options.logger.warn(
        { address: node.target.address, status: status.name },
        'reading history failed',
      );
      return false;
    }
    const data = result.historyData instanceof HistoryData ? result.historyData.dataValues : null;
    const values = (data ?? []).filter((value) => timeOf(value) >= node.from.getTime());
    tally.valuesRead += data?.length ?? 0;
    if (values.length > 0)
      tally.valuesDelivered += await this.#options.deliver(node.target, values);
    return true;
  }
}

async function historyRead(
  session: ClientSession,
  details: ReadRawModifiedDetails,
  nodes: readonly PlannedNode[],
  release: boolean,
): Promise<HistoryReadResult[]> {
  const response = await session.historyRead(
    new HistoryReadRequest({
      historyReadDetails: details,
      timestampsToReturn: TimestampsToReturn.Both,
      releaseContinuationPoints: release,
      nodesToRead: nodes.map(({ target, continuationPoint }) => ({
        nodeId: target.nodeId,
        continuationPoint: continuationPoint ?? undefined,
      })),
    }),
  );
  return response.results ?? [];
}

/** The source time a value is stored at (see sampleTime); history values always carry one. */
function timeOf(value: DataValue): number {
  return (value.sourceTimestamp ?? value.serverTimestamp)?.getTime() ?? Number.NaN;
}

/** A value that cannot be stored: its address, payload, why, and its time. */
export type HistoryRejection = (
  address: string,
  payload: string,
  reason: string,
  time: Date,
) => Promise<void>;

/**
 * Maps one node's history values as live ones are mapped, marked `fromHistory` so that only its
 * tag mappings take them; a value the mapping rejects is rejected as a live one would be.
 */
export async function mapHistoryValues(
  connection: string,
  address: string,
  values: readonly DataValue[],
  mapper: SignalMapper,
  reject: HistoryRejection,
): Promise<IngestRecord[]> {
  const records: IngestRecord[] = [];
  const receivedAt = new Date();
  for (const dataValue of values) {
    const time = sampleTime(dataValue, receivedAt);
    const converted = toSourceSample(connection, address, dataValue, receivedAt);
    if (!converted.ok) {
      await reject(address, describeDataValue(dataValue), converted.reason, time);
      continue;
    }
    let mapped;
    try {
      mapped = mapper.map({ ...converted.sample, fromHistory: true });
    } catch (error) {
      const reason = `mapping failed: ${(error as Error).message}`;
      await reject(address, describeDataValue(dataValue), reason, time);
      continue;
    }
    if (mapped.ok) records.push(...mapped.records);
    else await reject(address, describeDataValue(dataValue), mapped.reason, time);
  }
  return records;
}
