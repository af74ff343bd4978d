/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = {
  [_ in K]?: never;
};
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string };
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown };
};

/** An alarm raised on an asset, and what happened to it since. */
export type Alarm = {
  __typename?: 'Alarm';
  acknowledgeComment?: Maybe<Scalars['String']['output']>;
  acknowledgedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who acknowledged the alarm. */
  acknowledgedBy?: Maybe<Scalars['String']['output']>;
  asset: Asset;
  /** When the condition went away. */
  clearedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Machine-readable alarm code from the source system. */
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  raisedAt: Scalars['DateTime']['output'];
  severity: AlarmSeverity;
  state: AlarmState;
};

export type AlarmConnection = {
  __typename?: 'AlarmConnection';
  edges: Array<AlarmEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AlarmEdge = {
  __typename?: 'AlarmEdge';
  cursor: Scalars['String']['output'];
  node: Alarm;
};

/** How urgent an alarm is, ordered LOW < MEDIUM < HIGH < CRITICAL. */
export type AlarmSeverity = 'CRITICAL' | 'HIGH' | 'LOW' | 'MEDIUM';

/** Life cycle of an alarm after ISA-18.2, derived from clearedAt and acknowledgedAt. */
export type AlarmState =
  /** Acknowledged by an operator while the condition is still present. */
  | 'ACKNOWLEDGED'
  /** Raised and still present, not yet acknowledged (unacknowledged alarm). */
  | 'ACTIVE'
  /** Cleared but not acknowledged: the condition returned to normal, unacknowledged. */
  | 'CLEARED'
  /** Cleared and acknowledged: nothing left to do. */
  | 'CLOSED';

/** An alarm being raised or cleared, as it happens. */
export type AlarmTransition = {
  __typename?: 'AlarmTransition';
  /** True when raised, false when cleared. */
  active: Scalars['Boolean']['output'];
  asset: Asset;
  /** Machine-readable alarm code from the source system. */
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
  severity: AlarmSeverity;
  /** When the transition happened at the source. */
  time: Scalars['DateTime']['output'];
};

/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type Asset = {
  __typename?: 'Asset';
  /** Alarms not yet cleared, most severe first, then the newest. */
  activeAlarms: Array<Alarm>;
  /** The most recent RUNNING order, else the most recent DOWNLOADED one, else null. */
  activeOrder?: Maybe<ProductionOrder>;
  /** From the enterprise down to the parent. */
  ancestors: Array<Asset>;
  children: Array<Asset>;
  /** Everything below this asset, in path order. */
  descendants: Array<Asset>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: AssetKind;
  /** Measurements on this asset in [from, to), newest first. */
  measurements: MeasurementConnection;
  name: Scalars['String']['output'];
  /** How orders reach this machine and the setpoints it accepts; null if they cannot. */
  orderDownload?: Maybe<OrderDownloadInterface>;
  /** Orders for this asset, newest first. */
  orders: Array<ProductionOrder>;
  parent?: Maybe<Asset>;
  /** Names from the enterprise down, joined by "/", e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1". */
  path: Scalars['String']['output'];
  /** The current machine state; null when none was ever recorded. */
  state?: Maybe<MachineStateInfo>;
  /** State periods overlapping [from, to), oldest first, starting with the one in force at `from`. At most 5000 periods; a window holding more is BAD_USER_INPUT. */
  stateHistory: Array<MachineStateInfo>;
  tags: Array<Tag>;
};

/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetDescendantsArgs = {
  kind?: InputMaybe<AssetKind>;
};

/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetMeasurementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetOrdersArgs = {
  status?: InputMaybe<ProductionOrderStatus>;
};

/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetStateHistoryArgs = {
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type AssetConnection = {
  __typename?: 'AssetConnection';
  edges: Array<AssetEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type AssetEdge = {
  __typename?: 'AssetEdge';
  cursor: Scalars['String']['output'];
  node: Asset;
};

/** ISA-95 equipment hierarchy level. */
export type AssetKind = 'AREA' | 'CELL' | 'ENTERPRISE' | 'EQUIPMENT' | 'LINE' | 'SITE';

/** One mutation as it was asked for and how it ended. Never changed. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  /** Who asked. */
  actor: Scalars['String']['output'];
  entityId?: Maybe<Scalars['String']['output']>;
  /** The type it returns, e.g. ProductionOrder. */
  entityType?: Maybe<Scalars['String']['output']>;
  /** The error code when not OK. */
  errorCode?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** The arguments as sent. */
  input?: Maybe<Scalars['JSON']['output']>;
  /** The mutation, e.g. downloadOrder. */
  operation: Scalars['String']['output'];
  /** OK, ERROR or DENIED. */
  outcome: Scalars['String']['output'];
  /** The id made or changed, or the error. */
  result?: Maybe<Scalars['JSON']['output']>;
  time: Scalars['DateTime']['output'];
};

export type AuditEntryConnection = {
  __typename?: 'AuditEntryConnection';
  edges: Array<AuditEntryEdge>;
  pageInfo: PageInfo;
};

export type AuditEntryEdge = {
  __typename?: 'AuditEntryEdge';
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

/** A measured quality feature with its specification limits. */
export type Characteristic = {
  __typename?: 'Characteristic';
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Lower specification limit; null: none. */
  lsl?: Maybe<Scalars['Float']['output']>;
  name: Scalars['String']['output'];
  target?: Maybe<Scalars['Float']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
  /** Upper specification limit; null: none. */
  usl?: Maybe<Scalars['Float']['output']>;
};

/** A machine connection (OPC UA server, MQTT broker) and its health. */
export type Connection = {
  __typename?: 'Connection';
  /** Dead letters stored for this connection by its process. */
  deadLetters: Scalars['Int']['output'];
  /** OPC UA endpoint URL or MQTT broker URL. */
  endpoint: Scalars['String']['output'];
  /** The connection id from the plant configuration. */
  id: Scalars['ID']['output'];
  /** Monitored items (OPC UA) or subscribed topic filters (MQTT). */
  items: Scalars['Int']['output'];
  kind: ConnectionKind;
  lastError?: Maybe<Scalars['String']['output']>;
  lastMessageAt?: Maybe<Scalars['DateTime']['output']>;
  /** Messages received per second over the last 10 seconds. */
  messagesPerSecond: Scalars['Float']['output'];
  /** When the owning process last reported. */
  reportedAt: Scalars['DateTime']['output'];
  /** When the connection entered its current state. */
  since: Scalars['DateTime']['output'];
  /** Records waiting in spool files for the database. */
  spoolDepth: Scalars['Int']['output'];
  /** True when the owning process has not reported for 30 s. */
  stale: Scalars['Boolean']['output'];
  state: ConnectionState;
};

export type ConnectionKind = 'MQTT' | 'OPCUA';

export type ConnectionState =
  /** Connected and receiving. */
  | 'CONNECTED'
  /** First connection attempt under way (or retrying since start). */
  | 'CONNECTING'
  /** Closed on purpose (shutdown). */
  | 'DISCONNECTED'
  /** Gave up; the configuration or the peer needs attention. */
  | 'FAILED'
  /** Lost after having been connected; retrying with backoff. */
  | 'RECONNECTING';

/** A new production order; it starts in status CREATED. */
export type CreateProductionOrderInput = {
  /** The line or equipment the order is planned for. */
  assetId: Scalars['ID']['input'];
  dueAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Unique id in the planning system. Sending the same order again returns it unchanged; the same id with different data is CONFLICT. */
  externalId?: InputMaybe<Scalars['String']['input']>;
  /** Makes retries safe: a repeated key returns the order created first; the same key with a different payload is CONFLICT. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  material: Scalars['String']['input'];
  /** Order number, unique within the site of the asset. */
  number: Scalars['String']['input'];
  /** Setpoints for the machine; names unique. */
  parameters?: InputMaybe<Array<OrderParameterInput>>;
  /** Not before plannedStart. */
  plannedEnd?: InputMaybe<Scalars['DateTime']['input']>;
  plannedStart?: InputMaybe<Scalars['DateTime']['input']>;
  /** Higher runs first; default 0. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** Greater than 0. */
  quantity: Scalars['Float']['input'];
  /** Default "pcs". */
  unit?: InputMaybe<Scalars['String']['input']>;
};

/** The outcome of one order of createProductionOrders. */
export type CreateProductionOrderResult = {
  __typename?: 'CreateProductionOrderResult';
  /** Null when created (or repeated). */
  error?: Maybe<ItemError>;
  /** Position in the input list, from 0. */
  index: Scalars['Int']['output'];
  /** Null when refused. */
  order?: Maybe<ProductionOrder>;
};

/** One sample of a tag. */
export type Datapoint = {
  __typename?: 'Datapoint';
  quality: DatapointQuality;
  /** String samples. */
  text?: Maybe<Scalars['String']['output']>;
  time: Scalars['DateTime']['output'];
  /** Numeric and boolean (0/1) samples. */
  value?: Maybe<Scalars['Float']['output']>;
};

export type DatapointConnection = {
  __typename?: 'DatapointConnection';
  edges: Array<DatapointEdge>;
  pageInfo: PageInfo;
};

export type DatapointEdge = {
  __typename?: 'DatapointEdge';
  cursor: Scalars['String']['output'];
  node: Datapoint;
};

/** How far a sample can be trusted, as the source reported it. */
export type DatapointQuality =
  /** The value is unusable, e.g. a broken connection or sensor failure. */
  | 'BAD'
  /** The value is reliable. */
  | 'GOOD'
  /** The value may be inaccurate, e.g. a sensor out of calibration. */
  | 'UNCERTAIN';

/** A message no mapping could turn into data, kept for inspection and replay. */
export type DeadLetter = {
  __typename?: 'DeadLetter';
  /** OPC UA node id or MQTT topic. */
  address: Scalars['String']['output'];
  /** The connection id it arrived on. */
  connection: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** The payload as UTF-8 text (truncated to 64 KiB). */
  payload: Scalars['String']['output'];
  /** The payload bytes, base64 (binary protocols such as Sparkplug B). */
  payloadBase64: Scalars['String']['output'];
  /** The original payload size in bytes. */
  payloadSize: Scalars['Int']['output'];
  reason: Scalars['String']['output'];
  receivedAt: Scalars['DateTime']['output'];
  /** Why the last replay failed again. */
  replayError?: Maybe<Scalars['String']['output']>;
  replayRequestedAt?: Maybe<Scalars['DateTime']['output']>;
  replayedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type DeadLetterConnection = {
  __typename?: 'DeadLetterConnection';
  edges: Array<DeadLetterEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DeadLetterEdge = {
  __typename?: 'DeadLetterEdge';
  cursor: Scalars['String']['output'];
  node: DeadLetter;
};

/** A refused item of a batch, as a single call would have answered. */
export type ItemError = {
  __typename?: 'ItemError';
  /** The argument at fault, when one is. */
  argument?: Maybe<Scalars['String']['output']>;
  /** BAD_USER_INPUT, NOT_FOUND, CONFLICT, ... */
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

/** What a machine is doing. */
export type MachineState =
  /** Unplanned stop: a failure. */
  | 'DOWN'
  /** Ready but not producing: starved of material or blocked downstream. */
  | 'IDLE'
  /** Planned maintenance. */
  | 'MAINTENANCE'
  /** No connection to the machine; its real state is unknown. */
  | 'OFFLINE'
  /** Producing. */
  | 'RUNNING'
  /** Changeover to another product or order. */
  | 'SETUP'
  /** Stopped by an operator or as planned. */
  | 'STOPPED';

/** A machine entering a new state, as it happens. */
export type MachineStateChange = {
  __typename?: 'MachineStateChange';
  asset: Asset;
  /** Why, e.g. a fault or stop reason. */
  reason?: Maybe<Scalars['String']['output']>;
  /** When the machine entered the state, at the source. */
  since: Scalars['DateTime']['output'];
  state: MachineState;
};

/** A period during which a machine stayed in one state. */
export type MachineStateInfo = {
  __typename?: 'MachineStateInfo';
  /** Why, e.g. a fault or stop reason. */
  reason?: Maybe<Scalars['String']['output']>;
  /** When the machine entered the state; may lie before the requested window. */
  since: Scalars['DateTime']['output'];
  state: MachineState;
  /** When the next state began; null while this state is current. */
  until?: Maybe<Scalars['DateTime']['output']>;
};

/** One measured value of a characteristic on an asset. */
export type Measurement = {
  __typename?: 'Measurement';
  asset: Asset;
  characteristic: Characteristic;
  id: Scalars['ID']['output'];
  /** Within the limits in force when recorded; later limit changes do not alter it. */
  inSpec: Scalars['Boolean']['output'];
  /** The order it was measured for. */
  order?: Maybe<ProductionOrder>;
  time: Scalars['DateTime']['output'];
  value: Scalars['Float']['output'];
};

export type MeasurementConnection = {
  __typename?: 'MeasurementConnection';
  edges: Array<MeasurementEdge>;
  pageInfo: PageInfo;
};

export type MeasurementEdge = {
  __typename?: 'MeasurementEdge';
  cursor: Scalars['String']['output'];
  node: Measurement;
};

/** A schema migration applied to the database. */
export type Migration = {
  __typename?: 'Migration';
  appliedAt: Scalars['DateTime']['output'];
  /** sha256 of migration.sql. */
  checksum: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** DOWNLOADED or RUNNING → ABORTED: the order ends unfinished. */
  abortOrder: ProductionOrder;
  /** Acknowledges an alarm as the caller; CONFLICT when it is already acknowledged, NOT_FOUND when unknown. */
  acknowledgeAlarm: Alarm;
  /** Cancels an order that is CREATED, RELEASED, DOWNLOADED or DOWNLOAD_FAILED; CONFLICT otherwise. */
  cancelProductionOrder: ProductionOrder;
  /** RUNNING → COMPLETED by hand, e.g. when the machine cannot report its end itself. */
  completeOrder: ProductionOrder;
  /** Creates an order in status CREATED. Idempotent by idempotencyKey or externalId: a repeated call returns the same order, the same key with different data is CONFLICT. */
  createProductionOrder: ProductionOrder;
  /** Creates up to 500 orders, each on its own: a result per item, in input order, with the order or the error a single call would have given. */
  createProductionOrders: Array<CreateProductionOrderResult>;
  /** RELEASED → DOWNLOADING: sends the order to a machine through its connector. The machine's acknowledgement makes it DOWNLOADED; no acknowledgement after the configured retries makes it DOWNLOAD_FAILED with the reason. */
  downloadOrder: ProductionOrder;
  /** Records a measured value; inSpec is judged against the current limits. */
  recordMeasurement: Measurement;
  /** CREATED → RELEASED: ready for download. */
  releaseOrder: ProductionOrder;
  /** Queues dead letters for another mapping attempt (after a mapping fix); the owning connector sets replayedAt when they map, or replayError when they still fail. */
  replayDeadLetters: Array<DeadLetter>;
  /** Changes an order while it is CREATED or RELEASED; CONFLICT afterwards. */
  updateProductionOrder: ProductionOrder;
};

export type MutationAbortOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type MutationAcknowledgeAlarmArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};

export type MutationCancelProductionOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type MutationCompleteOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type MutationCreateProductionOrderArgs = {
  input: CreateProductionOrderInput;
};

export type MutationCreateProductionOrdersArgs = {
  inputs: Array<CreateProductionOrderInput>;
};

export type MutationDownloadOrderArgs = {
  equipmentId: Scalars['ID']['input'];
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  orderId: Scalars['ID']['input'];
};

export type MutationRecordMeasurementArgs = {
  input: RecordMeasurementInput;
};

export type MutationReleaseOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

export type MutationReplayDeadLettersArgs = {
  ids: Array<Scalars['ID']['input']>;
};

export type MutationUpdateProductionOrderArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductionOrderInput;
};

/** A machine's order interface, as its connector configured it. */
export type OrderDownloadInterface = {
  __typename?: 'OrderDownloadInterface';
  /** The connection that carries the download. */
  connection: Scalars['String']['output'];
  parameters: Array<SetpointLimit>;
};

/** A typed setpoint of an order, checked against the machine limits. */
export type OrderParameter = {
  __typename?: 'OrderParameter';
  name: Scalars['String']['output'];
  unit?: Maybe<Scalars['String']['output']>;
  value: Scalars['Float']['output'];
};

/** A setpoint for the machine, checked against its limits at download. */
export type OrderParameterInput = {
  name: Scalars['String']['input'];
  unit?: InputMaybe<Scalars['String']['input']>;
  value: Scalars['Float']['input'];
};

/** An order's production so far, from the machine's counters. */
export type OrderProgress = {
  __typename?: 'OrderProgress';
  /** When the quantity is reached at the current rate; null when unknown. */
  estimatedCompletion?: Maybe<Scalars['DateTime']['output']>;
  good: Scalars['Float']['output'];
  /** Good parts per hour since the order started running; null before. */
  ratePerHour?: Maybe<Scalars['Float']['output']>;
  reject: Scalars['Float']['output'];
  /** Good parts still to make; 0 once the quantity is reached. */
  remaining: Scalars['Float']['output'];
};

/** One status change of a production order. */
export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  /** Who made the change. */
  actor: Scalars['String']['output'];
  changedAt: Scalars['DateTime']['output'];
  /** Null for the creation. */
  from?: Maybe<ProductionOrderStatus>;
  order: ProductionOrder;
  reason?: Maybe<Scalars['String']['output']>;
  to: ProductionOrderStatus;
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** What this Plantgraph installation runs on. */
export type Platform = {
  __typename?: 'Platform';
  migrations: Array<Migration>;
  postgresVersion: Scalars['String']['output'];
  storage: StorageKind;
  /** Whether the TimescaleDB extension is active. Time-series tables are hypertables when it was active as the migrations ran. */
  timescale: Scalars['Boolean']['output'];
  timescaleVersion?: Maybe<Scalars['String']['output']>;
  /** Plantgraph release. */
  version: Scalars['String']['output'];
};

/** A job for one asset: make a quantity of a material. */
export type ProductionOrder = {
  __typename?: 'ProductionOrder';
  /** The asset the order is planned for (line or equipment). */
  asset: Asset;
  /** When it completed or was aborted. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  dueAt?: Maybe<Scalars['DateTime']['output']>;
  /** The equipment it was downloaded to; null before the download. */
  equipment?: Maybe<Asset>;
  /** Id in the planning system (ERP). */
  externalId?: Maybe<Scalars['String']['output']>;
  /** Why the last download failed (DOWNLOAD_FAILED). */
  failureReason?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  material: Scalars['String']['output'];
  /** Measurements taken for this order, newest first. */
  measurements: MeasurementConnection;
  /** Order number, unique within its site. */
  number: Scalars['String']['output'];
  /** Setpoints, in the order given. */
  parameters: Array<OrderParameter>;
  plannedEnd?: Maybe<Scalars['DateTime']['output']>;
  plannedStart?: Maybe<Scalars['DateTime']['output']>;
  /** Higher runs first. */
  priority: Scalars['Int']['output'];
  progress: OrderProgress;
  quantity: Scalars['Float']['output'];
  /** When the machine started it. */
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: ProductionOrderStatus;
  /** Every status change, oldest first. */
  statusHistory: Array<OrderStatusChange>;
  unit: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

/** A job for one asset: make a quantity of a material. */
export type ProductionOrderMeasurementsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProductionOrderConnection = {
  __typename?: 'ProductionOrderConnection';
  edges: Array<ProductionOrderEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ProductionOrderEdge = {
  __typename?: 'ProductionOrderEdge';
  cursor: Scalars['String']['output'];
  node: ProductionOrder;
};

/** Lifecycle state of a production order. */
export type ProductionOrderStatus =
  | 'ABORTED'
  | 'CANCELLED'
  | 'COMPLETED'
  | 'CREATED'
  | 'DOWNLOADED'
  | 'DOWNLOADING'
  | 'DOWNLOAD_FAILED'
  | 'RELEASED'
  | 'RUNNING';

export type Query = {
  __typename?: 'Query';
  /** One alarm by id; NOT_FOUND when unknown. */
  alarm?: Maybe<Alarm>;
  /** Alarms, newest raisedAt first. Filters combine; `from`/`to` bound raisedAt. */
  alarms: AlarmConnection;
  /** One asset by id; NOT_FOUND when unknown. */
  asset?: Maybe<Asset>;
  /** One asset by its full path. */
  assetByPath?: Maybe<Asset>;
  /** Assets in path order. `under` limits to an asset and everything below it. */
  assets: AssetConnection;
  /** Mutations of every subgraph, newest first, filtered by entity and time. */
  auditLog: AuditEntryConnection;
  /** One characteristic by id; NOT_FOUND when unknown. */
  characteristic?: Maybe<Characteristic>;
  /** All characteristics by name. */
  characteristics: Array<Characteristic>;
  /** Every configured machine connection, by id. */
  connections: Array<Connection>;
  /** Messages that could not be mapped, newest first. */
  deadLetters: DeadLetterConnection;
  /** Release, storage backend and schema migrations. */
  platform: Platform;
  /** One production order by id; NOT_FOUND when unknown. */
  productionOrder?: Maybe<ProductionOrder>;
  /** Production orders, newest first. */
  productionOrders: ProductionOrderConnection;
  /** One tag by id; NOT_FOUND when unknown. */
  tag?: Maybe<Tag>;
};

export type QueryAlarmArgs = {
  id: Scalars['ID']['input'];
};

export type QueryAlarmsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  assetId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  state?: InputMaybe<AlarmState>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  under?: InputMaybe<Scalars['ID']['input']>;
};

export type QueryAssetArgs = {
  id: Scalars['ID']['input'];
};

export type QueryAssetByPathArgs = {
  path: Scalars['String']['input'];
};

export type QueryAssetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  kind?: InputMaybe<AssetKind>;
  under?: InputMaybe<Scalars['ID']['input']>;
};

export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  entityId?: InputMaybe<Scalars['String']['input']>;
  entityType?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type QueryCharacteristicArgs = {
  id: Scalars['ID']['input'];
};

export type QueryDeadLettersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  source?: InputMaybe<Scalars['String']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type QueryProductionOrderArgs = {
  id: Scalars['ID']['input'];
};

export type QueryProductionOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  assetId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ProductionOrderStatus>;
};

export type QueryTagArgs = {
  id: Scalars['ID']['input'];
};

/** A measured value; inSpec is judged against the limits in force now. */
export type RecordMeasurementInput = {
  assetId: Scalars['ID']['input'];
  characteristicId: Scalars['ID']['input'];
  orderId?: InputMaybe<Scalars['ID']['input']>;
  /** When it was measured; default now. */
  time?: InputMaybe<Scalars['DateTime']['input']>;
  value: Scalars['Float']['input'];
};

/** A setpoint a machine accepts with an order, and its limits. */
export type SetpointLimit = {
  __typename?: 'SetpointLimit';
  max: Scalars['Float']['output'];
  min: Scalars['Float']['output'];
  name: Scalars['String']['output'];
  unit?: Maybe<Scalars['String']['output']>;
};

/** EMBEDDED: in-process PGlite with TimescaleDB. POSTGRES: a PostgreSQL/TimescaleDB server. */
export type StorageKind = 'EMBEDDED' | 'POSTGRES';

export type Subscription = {
  __typename?: 'Subscription';
  /** Alarms raised and cleared, as they happen. Filters combine; an unknown `under` is NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE. */
  alarmChanged: AlarmTransition;
  /** Machine state changes as they happen. `assetIds` and `under` combine; without either, every asset. Unknown ids are NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE. */
  machineStateChanged: MachineStateChange;
  /** Status changes of production orders, as they happen, creation included. Filters combine; an unknown asset is NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE. */
  orderStatusChanged: OrderStatusChange;
  /** New samples of the listed tags as they arrive, the newest per tag when the client falls behind. Unknown ids are NOT_FOUND; without an event bus, SERVICE_UNAVAILABLE. */
  tagValues: TagValue;
};

export type SubscriptionAlarmChangedArgs = {
  minSeverity?: InputMaybe<AlarmSeverity>;
  under?: InputMaybe<Scalars['ID']['input']>;
};

export type SubscriptionMachineStateChangedArgs = {
  assetIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  under?: InputMaybe<Scalars['ID']['input']>;
};

export type SubscriptionOrderStatusChangedArgs = {
  assetIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  orderIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

export type SubscriptionTagValuesArgs = {
  minIntervalMs?: InputMaybe<Scalars['Int']['input']>;
  tagIds: Array<Scalars['ID']['input']>;
};

/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type Tag = {
  __typename?: 'Tag';
  asset: Asset;
  dataType: TagDataType;
  description?: Maybe<Scalars['String']['output']>;
  /** Samples in the window [from, to), oldest first. */
  history: DatapointConnection;
  id: Scalars['ID']['output'];
  /** The newest sample; null before the first one. */
  latest?: Maybe<Datapoint>;
  name: Scalars['String']['output'];
  /** Where the value comes from: OPC UA node id, MQTT topic or Sparkplug metric. */
  source?: Maybe<Scalars['String']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
};

/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagHistoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

export type TagDataType = 'BOOLEAN' | 'FLOAT' | 'INTEGER' | 'STRING';

/** A new sample of a tag, as it arrives. */
export type TagValue = {
  __typename?: 'TagValue';
  quality: DatapointQuality;
  tag: Tag;
  /** String samples. */
  text?: Maybe<Scalars['String']['output']>;
  time: Scalars['DateTime']['output'];
  /** Numeric and boolean (0/1) samples. */
  value?: Maybe<Scalars['Float']['output']>;
};

/** Changes to an order that has not gone to the machine yet (CREATED or RELEASED). Omitted fields keep their value; dueAt: null clears the due date, null elsewhere is refused. */
export type UpdateProductionOrderInput = {
  assetId?: InputMaybe<Scalars['ID']['input']>;
  dueAt?: InputMaybe<Scalars['DateTime']['input']>;
  material?: InputMaybe<Scalars['String']['input']>;
  priority?: InputMaybe<Scalars['Int']['input']>;
  quantity?: InputMaybe<Scalars['Float']['input']>;
  unit?: InputMaybe<Scalars['String']['input']>;
};

export type ErpMachinesQueryVariables = Exact<{ [key: string]: never }>;

export type ErpMachinesQuery = {
  __typename?: 'Query';
  assets: {
    __typename?: 'AssetConnection';
    edges: Array<{
      __typename?: 'AssetEdge';
      node: {
        __typename?: 'Asset';
        id: string;
        path: string;
        activeOrder?: { __typename?: 'ProductionOrder'; number: string } | null;
        orderDownload?: {
          __typename?: 'OrderDownloadInterface';
          parameters: Array<{
            __typename?: 'SetpointLimit';
            name: string;
            unit?: string | null;
            min: number;
            max: number;
          }>;
        } | null;
      };
    }>;
  };
};

export type ErpCreateOrderMutationVariables = Exact<{
  input: CreateProductionOrderInput;
}>;

export type ErpCreateOrderMutation = {
  __typename?: 'Mutation';
  createProductionOrder: {
    __typename?: 'ProductionOrder';
    id: string;
    number: string;
    status: ProductionOrderStatus;
  };
};

export type ErpReleaseOrderMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;

export type ErpReleaseOrderMutation = {
  __typename?: 'Mutation';
  releaseOrder: { __typename?: 'ProductionOrder'; status: ProductionOrderStatus };
};

export type ErpDownloadOrderMutationVariables = Exact<{
  orderId: Scalars['ID']['input'];
  equipmentId: Scalars['ID']['input'];
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
}>;

export type ErpDownloadOrderMutation = {
  __typename?: 'Mutation';
  downloadOrder: { __typename?: 'ProductionOrder'; status: ProductionOrderStatus };
};

export type ErpOrderStatusChangedSubscriptionVariables = Exact<{
  orderIds?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
}>;

export type ErpOrderStatusChangedSubscription = {
  __typename?: 'Subscription';
  orderStatusChanged: {
    __typename?: 'OrderStatusChange';
    from?: ProductionOrderStatus | null;
    to: ProductionOrderStatus;
    reason?: string | null;
    actor: string;
    changedAt: string;
    order: {
      __typename?: 'ProductionOrder';
      number: string;
      failureReason?: string | null;
      progress: { __typename?: 'OrderProgress'; good: number; reject: number; remaining: number };
    };
  };
};

export const ErpMachinesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'ErpMachines' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'assets' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'kind' },
                value: { kind: 'EnumValue', value: 'EQUIPMENT' },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'IntValue', value: '1000' },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'path' } },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'activeOrder' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'number' } },
                                ],
                              },
                            },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'orderDownload' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  {
                                    kind: 'Field',
                                    name: { kind: 'Name', value: 'parameters' },
                                    selectionSet: {
                                      kind: 'SelectionSet',
                                      selections: [
                                        { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                        { kind: 'Field', name: { kind: 'Name', value: 'unit' } },
                                        { kind: 'Field', name: { kind: 'Name', value: 'min' } },
                                        { kind: 'Field', name: { kind: 'Name', value: 'max' } },
                                      ],
                                    },
                                  },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ErpMachinesQuery, ErpMachinesQueryVariables>;
export const ErpCreateOrderDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ErpCreateOrder' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: {
              kind: 'NamedType',
              name: { kind: 'Name', value: 'CreateProductionOrderInput' },
            },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createProductionOrder' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'number' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ErpCreateOrderMutation, ErpCreateOrderMutationVariables>;
export const ErpReleaseOrderDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ErpReleaseOrder' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'releaseOrder' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'Field', name: { kind: 'Name', value: 'status' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ErpReleaseOrderMutation, ErpReleaseOrderMutationVariables>;
export const ErpDownloadOrderDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ErpDownloadOrder' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'orderId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'equipmentId' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
          },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'expiresAt' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'DateTime' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'downloadOrder' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'orderId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'orderId' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'equipmentId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'equipmentId' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'expiresAt' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'expiresAt' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'Field', name: { kind: 'Name', value: 'status' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ErpDownloadOrderMutation, ErpDownloadOrderMutationVariables>;
export const ErpOrderStatusChangedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'ErpOrderStatusChanged' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'orderIds' } },
          type: {
            kind: 'ListType',
            type: {
              kind: 'NonNullType',
              type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
            },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'orderStatusChanged' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'orderIds' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'orderIds' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'from' } },
                { kind: 'Field', name: { kind: 'Name', value: 'to' } },
                { kind: 'Field', name: { kind: 'Name', value: 'reason' } },
                { kind: 'Field', name: { kind: 'Name', value: 'actor' } },
                { kind: 'Field', name: { kind: 'Name', value: 'changedAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'order' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'number' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'failureReason' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'progress' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'good' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'reject' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'remaining' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<
  ErpOrderStatusChangedSubscription,
  ErpOrderStatusChangedSubscriptionVariables
>;
