import {
  AttributeIds,
  DataType,
  StatusCodes,
  Variant,
  type CallMethodResult,
  type ClientSession,
  type WriteValueOptions,
} from 'node-opcua';
import type { OpcuaConnector } from '@plantgraph/opcua-connector';
import {
  withTimeout,
  type AbortPayload,
  type AckStatus,
  type CommandAck,
  type DownloadPayload,
  type MachineOrderProgress,
  type MachineOrderState,
  type OrderChannel,
} from './order-channel.ts';

/** The Download and Abort methods' Int32 status, their first output. */
const ACK_BY_CODE: Record<number, AckStatus> = { 0: 'accepted', 1: 'duplicate', 2: 'rejected' };
const STATE_BY_CODE: Record<number, MachineOrderState> = {
  0: 'NONE',
  1: 'DOWNLOADED',
  2: 'RUNNING',
  3: 'COMPLETE',
  4: 'ABORTED',
};

interface Field {
  nodeId: string;
  dataType: DataType;
  value: string | number;
}

/**
 * An order interface on an OPC UA server, under the order folder `base`: the fields and
 * setpoints are written, read back and compared, then `<base>.Download` is called; its result
 * is the machine's answer. `<base>.Abort(CommandId, OrderCommandId)` withdraws an order. Both
 * methods answer a status and, optionally, a reason text (a refusal's cause). Progress is read
 * from `.State`, `.ActiveCommandId`, `.Good`, `.Reject`.
 */
export class OpcuaOrderChannel implements OrderChannel {
  constructor(
    private readonly connector: OpcuaConnector,
    private readonly base: string,
  ) {}

  download(payload: DownloadPayload, timeoutMs: number): Promise<CommandAck> {
    return withTimeout(
      this.connector.withSession((session) => this.#download(session, payload)),
      timeoutMs,
      `download to ${this.base}`,
    );
  }

  abort(payload: AbortPayload, timeoutMs: number): Promise<CommandAck> {
    return withTimeout(
      this.connector.withSession(async (session) =>
        this.#answer(
          'Abort',
          await session.call({
            objectId: this.base,
            methodId: `${this.base}.Abort`,
            inputArguments: [
              { dataType: DataType.String, value: payload.commandId },
              { dataType: DataType.String, value: payload.orderCommandId },
            ],
          }),
        ),
      ),
      timeoutMs,
      `abort at ${this.base}`,
    );
  }

  async #download(session: ClientSession, payload: DownloadPayload): Promise<CommandAck> {
    const fields: Field[] = [
      { nodeId: `${this.base}.Number`, dataType: DataType.String, value: payload.number },
      { nodeId: `${this.base}.Material`, dataType: DataType.String, value: payload.material },
      { nodeId: `${this.base}.Quantity`, dataType: DataType.Double, value: payload.quantity },
      ...payload.parameters.map((parameter) => ({
        nodeId: `${this.base}.Parameters.${parameter.name.replace(/\s+/g, '')}`,
        dataType: DataType.Double,
        value: parameter.value,
      })),
      // Last, so a machine never sees a new command id beside an old order.
      { nodeId: `${this.base}.CommandId`, dataType: DataType.String, value: payload.commandId },
    ];
    const writes: WriteValueOptions[] = fields.map((field) => ({
      nodeId: field.nodeId,
      attributeId: AttributeIds.Value,
      value: { value: new Variant({ dataType: field.dataType, value: field.value }) },
    }));
    const written = await session.write(writes);
    written.forEach((code, index) => {
      if (code.isNotGood())
        throw new Error(`writing ${fields[index]?.nodeId} failed: ${code.name}`);
    });
    const readBack = await session.read(
      fields.map((field) => ({ nodeId: field.nodeId, attributeId: AttributeIds.Value })),
    );
    fields.forEach((field, index) => {
      const dataValue = readBack[index];
      if (!dataValue) throw new Error(`${field.nodeId} could not be read back`);
      const value: unknown = dataValue.value.value;
      const same =
        typeof field.value === 'number'
          ? typeof value === 'number' &&
            Math.abs(value - field.value) <= 1e-9 * Math.abs(field.value)
          : value === field.value;
      if (dataValue.statusCode.isNotGood() || !same) {
        throw new Error(
          `${field.nodeId} reads back ${JSON.stringify(value)} instead of ${JSON.stringify(field.value)}`,
        );
      }
    });
    const result = await session.call({
      objectId: this.base,
      methodId: `${this.base}.Download`,
      inputArguments: [],
    });
    return this.#answer('Download', result);
  }

  /**
   * A method's answer: its Int32 status and its optional String reason. A machine that gives no
   * reason for a refusal is named with its status code instead.
   */
  #answer(method: string, result: CallMethodResult): CommandAck {
    if (result.statusCode.isNotGood()) {
      throw new Error(`calling ${this.base}.${method} failed: ${result.statusCode.name}`);
    }
    const code = Number(result.outputArguments?.[0]?.value);
    const status = ACK_BY_CODE[code];
    if (!status) throw new Error(`${this.base}.${method} answered an unknown status ${code}`);
    if (status !== 'rejected') return { status };
    const reason: unknown = result.outputArguments?.[1]?.value;
    return {
      status,
      reason:
        typeof reason === 'string' && reason.trim() !== ''
          ? reason
          : `the machine refused it (status ${code})`,
    };
  }

  async progress(): Promise<MachineOrderProgress | null> {
    const names = ['State', 'ActiveCommandId', 'Good', 'Reject'];
    const values = await this.connector
      .withSession((session) =>
        session.read(
          names.map((name) => ({
            nodeId: `${this.base}.${name}`,
            attributeId: AttributeIds.Value,
          })),
        ),
      )
      .catch(() => null);
    if (!values || values.some((value) => value.statusCode !== StatusCodes.Good)) return null;
    const [state, commandId, good, reject] = values.map((value) => value.value.value as unknown);
    const known = STATE_BY_CODE[Number(state)];
    if (!known || typeof commandId !== 'string') return null;
    return { state: known, commandId, good: Number(good), reject: Number(reject) };
  }

  async close(): Promise<void> {
    // The session belongs to the connector, which closes it.
  }
}
