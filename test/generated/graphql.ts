/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

/** One time bucket of a tag. Statistics cover the samples in [start, end) that also lie in the query's window; a function that was not requested is null. */
export type AggregateBucket = {
  __typename?: 'AggregateBucket';
  avg?: Maybe<Scalars['Float']['output']>;
  /** BAD samples in the bucket, counted or not. */
  badCount: Scalars['Int']['output'];
  /** Samples that count (numeric, and not BAD unless included). */
  count: Scalars['Int']['output'];
  /** Bucket end (exclusive); the last may end after `to`. */
  end: Scalars['DateTime']['output'];
  first?: Maybe<Scalars['Float']['output']>;
  /** In value × seconds. */
  integral?: Maybe<Scalars['Float']['output']>;
  last?: Maybe<Scalars['Float']['output']>;
  max?: Maybe<Scalars['Float']['output']>;
  min?: Maybe<Scalars['Float']['output']>;
  /** Bucket start; the first bucket may begin before `from`. */
  start: Scalars['DateTime']['output'];
  stddev?: Maybe<Scalars['Float']['output']>;
  sum?: Maybe<Scalars['Float']['output']>;
  timeWeightedAvg?: Maybe<Scalars['Float']['output']>;
};

/** A statistic of the samples in a time bucket. Samples without a numeric value never count; BAD samples count only with `includeBadQuality: true`. */
export type AggregateFunction =
  /** Arithmetic mean of the samples (each sample weighs the same). */
  | 'AVG'
  /** Number of BAD samples, whatever `includeBadQuality` says. */
  | 'BAD_COUNT'
  /** Number of samples that count. */
  | 'COUNT'
  /** Value of the earliest sample in the bucket. */
  | 'FIRST'
  /** Area under that step function, in value × seconds (e.g. kW → kWs); null when no value is known anywhere in the bucket. */
  | 'INTEGRAL'
  /** Value of the latest sample in the bucket. */
  | 'LAST'
  /** Largest value. */
  | 'MAX'
  /** Smallest value. */
  | 'MIN'
  /** Sample standard deviation (n − 1); null below two samples. */
  | 'STDDEV'
  /** Sum of the values. */
  | 'SUM'
  /** Mean over time of the step function through the samples: each value holds until the next sample, including the value carried in from before the bucket. Time with no known value (before the first sample, after an excluded one) is left out. */
  | 'TIME_WEIGHTED_AVG';

/** An alarm raised on an asset, and what happened to it since. */
export type Alarm = {
  __typename?: 'Alarm';
  acknowledgeComment?: Maybe<Scalars['String']['output']>;
  acknowledgedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who acknowledged the alarm. */
  acknowledgedBy?: Maybe<Scalars['String']['output']>;
  asset: Asset;
  /** Why the alarm was cleared, when its source did not report the clear: "not active on reconnect" when a connector found it inactive on (re)connecting, clearedAt being when it looked. Null for a clear reported by the source. */
  clearReason?: Maybe<Scalars['String']['output']>;
  /** When the condition went away. */
  clearedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Machine-readable alarm code from the source system. */
  code: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  message: Scalars['String']['output'];
  raisedAt: Scalars['DateTime']['output'];
  severity: AlarmSeverity;
  /** The answer of the source (an OPC UA server) to the newest acknowledgement carried to it; null when the alarm has no source that takes acknowledgements or none was carried yet. It comes after acknowledgeAlarm answers: the connectors carry it asynchronously. */
  sourceAcknowledgement?: Maybe<SourceAcknowledgement>;
  state: AlarmState;
};

/** One alarm point, a code on an asset, over the window. */
export type AlarmCodeStatistics = {
  __typename?: 'AlarmCodeStatistics';
  /** Seconds it was active (raised, not cleared) within the window, including alarms raised before `from`. */
  activeSeconds: Scalars['Float']['output'];
  asset: Asset;
  code: Scalars['String']['output'];
  /** Most raises within any 60 seconds (both ends inclusive). */
  peakRaisesPerMinute: Scalars['Int']['output'];
  /** Times raised in the window. */
  raises: Scalars['Int']['output'];
  /** raises / all alarms raised in the window, 0 to 1. */
  share: Scalars['Float']['output'];
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

/** Alarms raised per 10 minutes, in windows aligned to `from`; ISA-18.2 calls a window with more than 10 a flood. */
export type AlarmRate = {
  __typename?: 'AlarmRate';
  /** Alarms raised per 10 minutes over the whole window. */
  averagePer10Minutes: Scalars['Float']['output'];
  /** floodWindowCount / windowCount, 0 to 1. */
  floodShare: Scalars['Float']['output'];
  /** Windows with more than 10 alarms. */
  floodWindowCount: Scalars['Int']['output'];
  /** The flood windows, in time order. */
  floodWindows: Array<AlarmRateWindow>;
  /** Most alarms raised in one 10-minute window. */
  peakPer10Minutes: Scalars['Int']['output'];
  /** 10-minute windows in the period; a partial last one counts. */
  windowCount: Scalars['Int']['output'];
};

/** One 10-minute window of the alarm rate. */
export type AlarmRateWindow = {
  __typename?: 'AlarmRateWindow';
  /** Alarms raised in the window. */
  alarms: Scalars['Int']['output'];
  /** Exclusive; the last window of a period ends at `to`. */
  end: Scalars['DateTime']['output'];
  start: Scalars['DateTime']['output'];
};

/** How urgent an alarm is, ordered LOW < MEDIUM < HIGH < CRITICAL. */
export type AlarmSeverity =
  | 'CRITICAL'
  | 'HIGH'
  | 'LOW'
  | 'MEDIUM';

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

/** Alarm-system performance after ISA-18.2 over a subtree and a window [from, to). Counts and mean times cover the alarms raised in the window, with what happened to them before `to`. */
export type AlarmStatistics = {
  __typename?: 'AlarmStatistics';
  /** Of those, acknowledged before `to`. */
  acknowledged: Scalars['Int']['output'];
  /** Chattering alarm points, raised at least 3 times within 60 seconds; the `top` raised most often. */
  chattering: Array<AlarmCodeStatistics>;
  /** All chattering alarm points, not only those listed. */
  chatteringCount: Scalars['Int']['output'];
  /** Of those, cleared before `to`. */
  cleared: Scalars['Int']['output'];
  from: Scalars['DateTime']['output'];
  /** Mean seconds from raise to acknowledgement; null when none was acknowledged. */
  meanTimeToAcknowledgeSeconds?: Maybe<Scalars['Float']['output']>;
  /** Mean seconds from raise to clear; null when none was cleared. */
  meanTimeToClearSeconds?: Maybe<Scalars['Float']['output']>;
  /** Alarms raised in the window. */
  raised: Scalars['Int']['output'];
  rate: AlarmRate;
  /** Standing alarms: active (not cleared) at `to` and raised more than 24 hours before it; the `top` oldest. */
  standing: Array<Alarm>;
  /** All standing alarms, not only those listed. */
  standingCount: Scalars['Int']['output'];
  to: Scalars['DateTime']['output'];
  /** The `top` alarm points longest active within the window. */
  topByDuration: Array<AlarmCodeStatistics>;
  /** The `top` alarm points raised most often; ties by asset path, then code. */
  topByFrequency: Array<AlarmCodeStatistics>;
};

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
  /** The mutations of this asset (createAsset, updateAsset, retireAsset), newest first, as the audit log holds them, refused ones included. Engineers and admins only. */
  changes?: Maybe<AuditEntryConnection>;
  children: Array<Asset>;
  /** Everything below this asset, in path order. */
  descendants: Array<Asset>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  kind: AssetKind;
  /** Measurements on this asset in [from, to), newest first. */
  measurements: MeasurementConnection;
  name: Scalars['String']['output'];
  /** OEE of the machines at or below this asset in [from, to), one bucket per interval or shift, oldest first. Planned production time is time within the site's shifts (all time without a calendar) less planned stops: MAINTENANCE, and STOPPED or IDLE for BREAK, SHIFT_CHANGE or NO_ORDER. Lines, areas and sites sum times and counts over their machines. At most 1000 buckets; BAD_USER_INPUT for more, for from > to and for an unknown interval or time zone. */
  oee: Array<OeeBucket>;
  /** Unplanned stop time of the machines at or below this asset in [from, to), by state and reason, longest first: the Pareto of availability losses. Planned stops and time outside the shifts are not losses. */
  oeeLosses: Array<OeeLoss>;
  /** How orders reach this machine and the setpoints it accepts; null if they cannot. */
  orderDownload?: Maybe<OrderDownloadInterface>;
  /** Orders for this asset, newest first. */
  orders: Array<ProductionOrder>;
  parent?: Maybe<Asset>;
  /** Names from the enterprise down, joined by "/", e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1". */
  path: Scalars['String']['output'];
  /** When the asset was retired (retireAsset); null while it is active. Retired assets keep their history and leave lists unless asked for with includeRetired. */
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The shift calendar of this asset's site; above sites, those of every site below. Empty when no shifts are set: then every hour is planned production time. */
  shifts: Array<Shift>;
  /** The current machine state; null when none was ever recorded. */
  state?: Maybe<MachineStateInfo>;
  /** State periods overlapping [from, to), oldest first, starting with the one in force at `from`. At most 5000 periods; a window holding more is BAD_USER_INPUT. */
  stateHistory: Array<MachineStateInfo>;
  tags: Array<Tag>;
};


/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetChangesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetChildrenArgs = {
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
};


/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetDescendantsArgs = {
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
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
export type AssetOeeArgs = {
  from: Scalars['DateTime']['input'];
  interval: Scalars['String']['input'];
  timezone?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['DateTime']['input'];
};


/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetOeeLossesArgs = {
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
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


/** A node of the ISA-95 hierarchy: enterprise, site, area, line, cell or equipment. */
export type AssetTagsArgs = {
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
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
export type AssetKind =
  | 'AREA'
  | 'CELL'
  | 'ENTERPRISE'
  | 'EQUIPMENT'
  | 'LINE'
  | 'SITE';

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
  /** X-bar/R chart of the measurements in [from, to) with Western Electric rules 1 to 4. At most 100000 measurements; a window holding more is BAD_USER_INPUT on `from`. */
  controlChart: ControlChart;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  /** Lower specification limit; null: none. */
  lsl?: Maybe<Scalars['Float']['output']>;
  name: Scalars['String']['output'];
  /** Statistics and capability (Cp, Cpk, Pp, Ppk) of the measurements in [from, to), subgroups in time order. */
  statistics: CharacteristicStatistics;
  target?: Maybe<Scalars['Float']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
  /** Upper specification limit; null: none. */
  usl?: Maybe<Scalars['Float']['output']>;
};


/** A measured quality feature with its specification limits. */
export type CharacteristicControlChartArgs = {
  assetId?: InputMaybe<Scalars['ID']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  subgroupSize?: InputMaybe<Scalars['Int']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


/** A measured quality feature with its specification limits. */
export type CharacteristicStatisticsArgs = {
  assetId?: InputMaybe<Scalars['ID']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  subgroupSize?: InputMaybe<Scalars['Int']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** Descriptive statistics and process capability of a characteristic over a window. Cp/Cpk use the within-subgroup sigma R̄/d2, Pp/Ppk the overall sample standard deviation; an index is null when a limit it needs is missing or its sigma is null or zero. */
export type CharacteristicStatistics = {
  __typename?: 'CharacteristicStatistics';
  /** Measurements in the window. */
  count: Scalars['Int']['output'];
  /** (USL − LSL) / 6σ within; null unless both limits exist. */
  cp?: Maybe<Scalars['Float']['output']>;
  /** min(USL − mean, mean − LSL) / 3σ within, over the limits that exist. */
  cpk?: Maybe<Scalars['Float']['output']>;
  max?: Maybe<Scalars['Float']['output']>;
  /** Arithmetic mean; null without data. */
  mean?: Maybe<Scalars['Float']['output']>;
  /** R̄: mean range of the complete subgroups. */
  meanRange?: Maybe<Scalars['Float']['output']>;
  min?: Maybe<Scalars['Float']['output']>;
  /** Measurements recorded out of spec (Measurement.inSpec false). */
  outOfSpecCount: Scalars['Int']['output'];
  /** (USL − LSL) / 6σ overall; null unless both limits exist. */
  pp?: Maybe<Scalars['Float']['output']>;
  /** min(USL − mean, mean − LSL) / 3σ overall, over the limits that exist. */
  ppk?: Maybe<Scalars['Float']['output']>;
  /** Sample standard deviation (n − 1), the overall sigma; null below 2 values. */
  stddev?: Maybe<Scalars['Float']['output']>;
  /** Complete subgroups; trailing measurements that do not fill one are left out. */
  subgroupCount: Scalars['Int']['output'];
  /** Consecutive measurements per subgroup, in time order. */
  subgroupSize: Scalars['Int']['output'];
  /** Within-subgroup sigma R̄/d2; null without a complete subgroup. */
  withinSigma?: Maybe<Scalars['Float']['output']>;
};

/** A machine connection (OPC UA server, MQTT broker) and its health. */
export type Connection = {
  __typename?: 'Connection';
  /** The integration configuration version the connection runs; null until its connector reports one. */
  configVersion?: Maybe<Scalars['Int']['output']>;
  /** Dead letters stored for this connection by its process. */
  deadLetters: Scalars['Int']['output'];
  /** OPC UA endpoint URL or MQTT broker URL. */
  endpoint: Scalars['String']['output'];
  /** True while the connection falls behind: what it received waits longer than a second to be stored, or the process's writer holds its maximum in memory. The source's queue (the broker, the server) grows meanwhile and drops at its limit. */
  fallingBehind: Scalars['Boolean']['output'];
  /** The connection id from the plant configuration. */
  id: Scalars['ID']['output'];
  /** Monitored items (OPC UA) or subscribed topic filters (MQTT). */
  items: Scalars['Int']['output'];
  kind: ConnectionKind;
  /** OPC UA: the last history backfill, what the connector read from the server's history after (re)connecting; null until one ran or when the connection has no backfill. */
  lastBackfill?: Maybe<ConnectionBackfill>;
  lastError?: Maybe<Scalars['String']['output']>;
  lastMessageAt?: Maybe<Scalars['DateTime']['output']>;
  /** Messages the source sent that never arrived, counted by the owning process since it started: Sparkplug B sequence gaps (a broker dropping at its queue limit shows here). Always 0 for UNS JSON and OPC UA, which carry no sequence numbers. */
  lostMessages: Scalars['Int']['output'];
  /** Messages received per second over the last 10 seconds. */
  messagesPerSecond: Scalars['Float']['output'];
  /** When the owning process last reported. */
  reportedAt: Scalars['DateTime']['output'];
  /** OPC UA: the limits the server publishes, read on connecting; null for MQTT and until the connector has subscribed. */
  serverLimits?: Maybe<OpcuaServerLimits>;
  /** When the connection entered its current state. */
  since: Scalars['DateTime']['output'];
  /** Records waiting in spool files for the database. */
  spoolDepth: Scalars['Int']['output'];
  /** True when the owning process has not reported for 30 s. */
  stale: Scalars['Boolean']['output'];
  state: ConnectionState;
  /** OPC UA: how the monitored items are spread over subscriptions within the server's limits. */
  subscriptionPlan?: Maybe<OpcuaSubscriptionPlan>;
};

/** A history backfill: after (re)connecting, an OPC UA connector reads the server's raw history (HistoryRead, ReadRawModifiedDetails) of its mapped nodes from what each tag last stored, at most the configured maxWindow back, and stores what it missed. */
export type ConnectionBackfill = {
  __typename?: 'ConnectionBackfill';
  /** Milliseconds from the first read to the last value handed on. */
  durationMs: Scalars['Int']['output'];
  /** Why the backfill stopped early; null when it completed. */
  error?: Maybe<Scalars['String']['output']>;
  /** The earliest time any node was read from. */
  from: Scalars['DateTime']['output'];
  /** Nodes whose history was read. */
  nodes: Scalars['Int']['output'];
  /** Mapped nodes skipped: no HistoryRead access, not historizing, or the server answered BadHistoryOperationUnsupported. */
  nodesUnsupported: Scalars['Int']['output'];
  startedAt: Scalars['DateTime']['output'];
  /** Where the reads ended: when the connection was back. */
  to: Scalars['DateTime']['output'];
  /** The first 20 skipped nodes, by address. */
  unsupported: Array<Scalars['String']['output']>;
  /** Datapoints handed to storage after mapping and deadband. The (tag, time) key drops those already stored, so storage kept at most this many. */
  valuesDelivered: Scalars['Int']['output'];
  /** Values the server returned from its history. */
  valuesRead: Scalars['Int']['output'];
};

export type ConnectionKind =
  | 'MQTT'
  | 'OPCUA';

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

/** X-bar/R control chart over a window, limits computed from the window itself (Phase I). */
export type ControlChart = {
  __typename?: 'ControlChart';
  /** Measurements in the window, including trailing ones that fill no subgroup. */
  measurementCount: Scalars['Int']['output'];
  /** R chart: CL = R̄, limits D3·R̄ and D4·R̄; null without a complete subgroup. */
  range?: Maybe<ControlLimits>;
  subgroupSize: Scalars['Int']['output'];
  /** Complete subgroups in time order. */
  subgroups: Array<ControlChartSubgroup>;
  /** X-bar chart: CL = X̿, limits X̿ ± A2·R̄; null without a complete subgroup. */
  xBar?: Maybe<ControlLimits>;
};

/** One subgroup of consecutive measurements: a point on both charts. */
export type ControlChartSubgroup = {
  __typename?: 'ControlChartSubgroup';
  /** Time of its last measurement. */
  end: Scalars['DateTime']['output'];
  /** X-bar: the subgroup mean. */
  mean: Scalars['Float']['output'];
  /** R: largest minus smallest value. */
  range: Scalars['Float']['output'];
  /** The range lies outside the R chart limits. */
  rangeOutOfControl: Scalars['Boolean']['output'];
  /** Time of its first measurement. */
  start: Scalars['DateTime']['output'];
  /** Western Electric rules (1 to 4) this mean completes on the X-bar chart; empty when none. */
  violations: Array<Scalars['Int']['output']>;
};

/** Centre line and 3-sigma control limits of one chart. */
export type ControlLimits = {
  __typename?: 'ControlLimits';
  centerLine: Scalars['Float']['output'];
  lowerControlLimit: Scalars['Float']['output'];
  /** Sigma of the plotted statistic, (UCL − CL) / 3: the width of one zone. */
  sigma: Scalars['Float']['output'];
  upperControlLimit: Scalars['Float']['output'];
};

/** A new asset, placed by its kind: SITE under an ENTERPRISE, AREA under a SITE, LINE under an AREA, CELL under a LINE, EQUIPMENT under a LINE or CELL, ENTERPRISE at the root. */
export type CreateAssetInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  kind: AssetKind;
  /** Unique among its siblings; no "/", no surrounding spaces, 200 characters at most. */
  name: Scalars['String']['input'];
  /** The parent; null only for an ENTERPRISE. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
};

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

/** A new tag of an active asset. */
export type CreateTagInput = {
  assetId: Scalars['ID']['input'];
  dataType: TagDataType;
  description?: InputMaybe<Scalars['String']['input']>;
  /** Unique on the asset; no surrounding spaces, 200 characters at most. */
  name: Scalars['String']['input'];
  /** e.g. "kN"; 50 characters at most. */
  unit?: InputMaybe<Scalars['String']['input']>;
};

/** One sample of a tag. */
export type Datapoint = {
  __typename?: 'Datapoint';
  /** JSON samples (a whole OPC UA array or structure): `text` parsed; null when `text` holds no JSON array or object. */
  json?: Maybe<Scalars['JSON']['output']>;
  quality: DatapointQuality;
  /** The mapping in force at the time of the sample; null before the first configuration version, or for a tag no mapping feeds. */
  source?: Maybe<TagMappingPeriod>;
  /** String samples, and JSON samples as JSON text. */
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
  /** The integration configuration version its connector ran when it refused the message; null for letters stored before versioned configuration. */
  configVersion?: Maybe<Scalars['Int']['output']>;
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

/** How `Tag.downsample` picks the samples a chart shows. */
export type DownsampleMethod =
  /** Largest-Triangle-Three-Buckets: the samples that keep the shape of the curve. Reads at most 1,000,000 samples. */
  | 'LTTB'
  /** The lowest and the highest sample of each of points/2 equal time slices, so no spike is lost. Any number of samples. */
  | 'MIN_MAX';

/** One statistic of one tag, a value per timestamp of the frame. */
export type FrameColumn = {
  __typename?: 'FrameColumn';
  /** Path of the tag's asset, e.g. Acme/Dresden/Line 1/Press. */
  assetPath: Scalars['String']['output'];
  function: AggregateFunction;
  tag: Tag;
  tagId: Scalars['ID']['output'];
  tagName: Scalars['String']['output'];
  /** values[i] belongs to timestamps[i]; null where the bucket has no value. */
  values: Array<Maybe<Scalars['Float']['output']>>;
};

/** How buckets without any sample appear. A bucket holding only excluded samples (BAD, no value) is not a gap: it is returned with its counts and null statistics, and is never painted over. COUNT and BAD_COUNT are 0 in gaps, TIME_WEIGHTED_AVG and INTEGRAL follow the carried value and are never filled. */
export type GapFill =
  /** Interpolate linearly in time between the nearest buckets with samples before and after (at their start times); null at the edges of the data. */
  | 'LINEAR'
  /** Leave them out. */
  | 'NONE'
  /** Return them with null statistics. */
  | 'NULL'
  /** Repeat the value of the nearest earlier bucket with samples. */
  | 'PREVIOUS';

/** A page of one tag's raw samples in [from, to), oldest first, column by column: sample i is timestamps[i], values[i], texts[i], qualities[i]. */
export type HistoryFrame = {
  __typename?: 'HistoryFrame';
  /** endCursor continues after the last sample of this page; null when it is empty. */
  pageInfo: PageInfo;
  qualities: Array<DatapointQuality>;
  /** String samples; null otherwise. */
  texts: Array<Maybe<Scalars['String']['output']>>;
  /** Sample times, oldest first. */
  timestamps: Array<Scalars['DateTime']['output']>;
  /** Numeric and boolean (0/1) values; null for string samples and samples without one. */
  values: Array<Maybe<Scalars['Float']['output']>>;
};

/** What applying (or rolling back to) a configuration did or would do. */
export type IntegrationConfigApplyResult = {
  __typename?: 'IntegrationConfigApplyResult';
  /** Entry changes against the current version, as written. */
  changes: Array<IntegrationConfigChange>;
  /** Checked and compared only: nothing was stored. */
  dryRun: Scalars['Boolean']['output'];
  /** Mappings (tags, states, counters, alarms) added, after templates are expanded into their instances. */
  mappingsAdded: Scalars['Int']['output'];
  /** Mappings changed. */
  mappingsChanged: Scalars['Int']['output'];
  /** Mappings removed. */
  mappingsRemoved: Scalars['Int']['output'];
  /** The version current before, 0 when there was none. */
  previousVersion: Scalars['Int']['output'];
  /** The document equals the current version: nothing was stored. */
  unchanged: Scalars['Boolean']['output'];
  /** The stored version; null for a dry run or a document equal to the current one. */
  version?: Maybe<IntegrationConfigVersion>;
};

/** One entry of the integration configuration that differs between two versions: a connection, template, instance, download or plain mapping. */
export type IntegrationConfigChange = {
  __typename?: 'IntegrationConfigChange';
  /** The entry after, as JSON text. */
  after?: Maybe<Scalars['String']['output']>;
  /** The entry before, as JSON text. */
  before?: Maybe<Scalars['String']['output']>;
  /** What identifies the entry in its section, e.g. a connection id. */
  key: Scalars['String']['output'];
  kind: IntegrationConfigChangeKind;
  /** Where the entry is, e.g. `instances[3]`: in the newer version, or in the older one when it was removed. */
  path: Scalars['String']['output'];
  /** The section, e.g. `connections`, `mappings.tags`. */
  section: Scalars['String']['output'];
};

/** How an entry of the integration configuration changed. */
export type IntegrationConfigChangeKind =
  | 'ADDED'
  | 'CHANGED'
  | 'REMOVED';

/** One applied version of the integration configuration (connections, templates, instances, mappings). The newest is the one the connectors run. */
export type IntegrationConfigVersion = {
  __typename?: 'IntegrationConfigVersion';
  appliedAt: Scalars['DateTime']['output'];
  /** Who applied it, as the audit log names callers. */
  appliedBy: Scalars['String']['output'];
  /** What this version changed against the one before it. */
  changes: Array<IntegrationConfigChange>;
  comment: Scalars['String']['output'];
  /** sha256 of the canonical JSON of the document. */
  digest: Scalars['String']['output'];
  /** The document as YAML, `${NAME}` references unresolved. */
  document: Scalars['String']['output'];
  /** Numbered 1, 2, 3… in the order they were applied. */
  version: Scalars['Int']['output'];
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

/** A download or abort sent to a machine for an order, and the machine's answer. */
export type MachineCommand = {
  __typename?: 'MachineCommand';
  /** Attempts sent so far. */
  attempts: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Why it failed, with the machine's own reason when it refused; else the last attempt's error. */
  error?: Maybe<Scalars['String']['output']>;
  /** When it was acknowledged or failed. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The command id the machine sees. */
  id: Scalars['ID']['output'];
  kind: MachineCommandKind;
  /** The reason given with an abort. */
  reason?: Maybe<Scalars['String']['output']>;
  /** Who asked for an abort. */
  requestedBy?: Maybe<Scalars['String']['output']>;
  state: MachineCommandState;
};

/** What a command asks of the machine: take the order, or withdraw it. */
export type MachineCommandKind =
  | 'ABORT'
  | 'DOWNLOAD';

/** PENDING while it is sent and retried; ACKNOWLEDGED when the machine took it; FAILED when the machine refused it, never answered after the retries, or it was moot. */
export type MachineCommandState =
  | 'ACKNOWLEDGED'
  | 'FAILED'
  | 'PENDING';

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
  /** DOWNLOADED or RUNNING → ABORTED: the order ends unfinished. When a machine took the order, the abort is sent to it (see machineCommands) and the order becomes ABORTED on the machine's acknowledgement; it stays as it is if the machine refuses or never answers. Without a machine to tell, it is ABORTED at once. */
  abortOrder: ProductionOrder;
  /** Acknowledges an alarm as the caller; CONFLICT when it is already acknowledged, NOT_FOUND when unknown. */
  acknowledgeAlarm: Alarm;
  /** Validates a configuration document and stores it as the next version, which the connectors then run; a document equal to the current version stores nothing. Invalid documents are BAD_USER_INPUT with every problem in `extensions.problems`. Needs the role engineer or higher, without a site restriction. */
  applyIntegrationConfig: IntegrationConfigApplyResult;
  /** Cancels an order that is CREATED, RELEASED, DOWNLOADED or DOWNLOAD_FAILED; CONFLICT otherwise. */
  cancelProductionOrder: ProductionOrder;
  /** RUNNING → COMPLETED by hand, e.g. when the machine cannot report its end itself. */
  completeOrder: ProductionOrder;
  /** Creates an asset under a parent of the kind ISA-95 places it under (docs/data-model.md#placement-rules). Needs the role engineer; a caller limited to sites creates only below them. */
  createAsset: Asset;
  /** Creates an order in status CREATED. Idempotent by idempotencyKey or externalId: a repeated call returns the same order, the same key with different data is CONFLICT. */
  createProductionOrder: ProductionOrder;
  /** Creates up to 500 orders, each on its own: a result per item, in input order, with the order or the error a single call would have given. */
  createProductionOrders: Array<CreateProductionOrderResult>;
  /** Creates a tag on an active asset. Needs the role engineer; the asset must lie in the sites of the caller. */
  createTag: Tag;
  /** RELEASED → DOWNLOADING: sends the order to a machine through its connector. The machine's acknowledgement makes it DOWNLOADED; no acknowledgement after the configured retries makes it DOWNLOAD_FAILED with the reason. */
  downloadOrder: ProductionOrder;
  /** Records a measured value; inSpec is judged against the current limits. */
  recordMeasurement: Measurement;
  /** CREATED → RELEASED: ready for download. */
  releaseOrder: ProductionOrder;
  /** Queues dead letters for another mapping attempt (after a mapping fix); the owning connector sets replayedAt when they map, or replayError when they still fail. */
  replayDeadLetters: Array<DeadLetter>;
  /** Retires an asset and its tags: they leave lists, their history stays. CONFLICT while the asset has active children, which it names. Needs the role engineer. */
  retireAsset: Asset;
  /** Retires a tag: it leaves Asset.tags, its history stays readable. Needs the role engineer. */
  retireTag: Tag;
  /** Applies an earlier version's document again, as the next version. Needs the role engineer or higher, without a site restriction. */
  rollbackIntegrationConfig: IntegrationConfigApplyResult;
  /** Renames, describes or moves an asset. A move takes the whole subtree along and rewrites its paths in the same transaction; it stays within the site. Needs the role engineer. */
  updateAsset: Asset;
  /** Changes an order while it is CREATED or RELEASED; CONFLICT afterwards. */
  updateProductionOrder: ProductionOrder;
  /** Renames, retypes (numeric types only) or describes a tag. Needs the role engineer. */
  updateTag: Tag;
};


export type MutationAbortOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationAcknowledgeAlarmArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationApplyIntegrationConfigArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  document: Scalars['String']['input'];
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationCancelProductionOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCompleteOrderArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateAssetArgs = {
  input: CreateAssetInput;
};


export type MutationCreateProductionOrderArgs = {
  input: CreateProductionOrderInput;
};


export type MutationCreateProductionOrdersArgs = {
  inputs: Array<CreateProductionOrderInput>;
};


export type MutationCreateTagArgs = {
  input: CreateTagInput;
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


export type MutationRetireAssetArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRetireTagArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRollbackIntegrationConfigArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  version: Scalars['Int']['input'];
};


export type MutationUpdateAssetArgs = {
  id: Scalars['ID']['input'];
  input: UpdateAssetInput;
};


export type MutationUpdateProductionOrderArgs = {
  id: Scalars['ID']['input'];
  input: UpdateProductionOrderInput;
};


export type MutationUpdateTagArgs = {
  id: Scalars['ID']['input'];
  input: UpdateTagInput;
};

/** Overall equipment effectiveness of one bucket, over every machine at or below the asset. Times and counts are summed over the machines before the ratios are taken. */
export type OeeBucket = {
  __typename?: 'OeeBucket';
  /** Run time / planned production time; null without planned production time. */
  availability?: Maybe<Scalars['Float']['output']>;
  /** Start of the bucket (inclusive), never before `from`. */
  from: Scalars['DateTime']['output'];
  /** Good parts counted in scheduled time. */
  goodCount: Scalars['Float']['output'];
  /** availability × performance × quality; 0 when one of them is 0, else null when one is null. */
  oee?: Maybe<Scalars['Float']['output']>;
  /** Ideal cycle time × total count / run time; null without run time or when a counted machine has no ideal cycle time (such machines are left out when others have one). Not capped: above 1 means the ideal cycle time is too long. */
  performance?: Maybe<Scalars['Float']['output']>;
  /** Planned production time in seconds: scheduled time less planned stops. */
  plannedTime: Scalars['Float']['output'];
  /** Good count / total count; null when nothing was counted. */
  quality?: Maybe<Scalars['Float']['output']>;
  /** Seconds RUNNING within planned production time. */
  runTime: Scalars['Float']['output'];
  /** End of the bucket (exclusive), never after `to`. */
  to: Scalars['DateTime']['output'];
  /** Parts counted in scheduled time, good and rejected. */
  totalCount: Scalars['Float']['output'];
};

/** Unplanned stop time of one state and reason, a line of the Pareto. */
export type OeeLoss = {
  __typename?: 'OeeLoss';
  /** Share of this line and all longer ones, for the Pareto. */
  cumulativeShare: Scalars['Float']['output'];
  /** Seconds lost, summed over the machines. */
  duration: Scalars['Float']['output'];
  /** The reason the machines reported. */
  reason?: Maybe<Scalars['String']['output']>;
  /** Fraction of all unplanned stop time, 0 to 1. */
  share: Scalars['Float']['output'];
  state: MachineState;
};

/** The limits an OPC UA server publishes in its ServerCapabilities and OperationLimits (OPC UA Part 5). Null: the server does not publish the limit, or publishes 0 (no limit). */
export type OpcuaServerLimits = {
  __typename?: 'OpcuaServerLimits';
  /** Monitored items the whole server takes. */
  maxMonitoredItems?: Maybe<Scalars['Int']['output']>;
  /** Monitored items one CreateMonitoredItems call may create. */
  maxMonitoredItemsPerCall?: Maybe<Scalars['Int']['output']>;
  /** Monitored items one subscription takes. */
  maxMonitoredItemsPerSubscription?: Maybe<Scalars['Int']['output']>;
  /** Nodes one Browse call may browse. */
  maxNodesPerBrowse?: Maybe<Scalars['Int']['output']>;
  /** Nodes one HistoryRead call may read raw values of (the history backfill reads in calls of at most this many). */
  maxNodesPerHistoryReadData?: Maybe<Scalars['Int']['output']>;
  /** Nodes one Read call may read. */
  maxNodesPerRead?: Maybe<Scalars['Int']['output']>;
  /** Browse paths one TranslateBrowsePathsToNodeIds call may translate. */
  maxNodesPerTranslateBrowsePathsToNodeIds?: Maybe<Scalars['Int']['output']>;
  /** Subscriptions one session may hold. */
  maxSubscriptionsPerSession?: Maybe<Scalars['Int']['output']>;
};

/** How an OPC UA connection's monitored items are spread over subscriptions and calls within the server's limits. */
export type OpcuaSubscriptionPlan = {
  __typename?: 'OpcuaSubscriptionPlan';
  /** Monitored items planned. */
  items: Scalars['Int']['output'];
  /** Monitored items created per CreateMonitoredItems call. */
  itemsPerCall: Scalars['Int']['output'];
  /** The most monitored items one subscription holds. */
  itemsPerSubscription: Scalars['Int']['output'];
  /** Times the server refused a plan within its published limits (BadTooManySubscriptions, BadTooManyMonitoredItems, BadTooManyOperations) and it was made again with lower limits. */
  replans: Scalars['Int']['output'];
  /** Subscriptions the connector holds on its session. */
  subscriptions: Scalars['Int']['output'];
  /** Sources the server's limits leave no room for; each is a dead letter (BadTooManyMonitoredItems). */
  unplanned: Scalars['Int']['output'];
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
  /** The TimescaleDB edition; null without TimescaleDB. */
  timescaleLicense?: Maybe<TimescaleLicense>;
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
  /** Downloads and aborts sent to machines for this order, oldest first, with their answers. */
  machineCommands: Array<MachineCommand>;
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
  /** Alarm KPIs after ISA-18.2 for a subtree over [from, to): rate per 10 minutes and floods, counts and mean times, most frequent and longest active alarms, chattering and standing alarms. At most 366 days; `top` 1 to 100. */
  alarmStatistics: AlarmStatistics;
  /** Alarms, newest raisedAt first. Filters combine; `from`/`to` bound raisedAt. */
  alarms: AlarmConnection;
  /** One asset by id, retired or not; NOT_FOUND when unknown. */
  asset?: Maybe<Asset>;
  /** One asset by its full path, retired or not. */
  assetByPath?: Maybe<Asset>;
  /** Assets in path order. `under` limits to an asset and everything below it; retired assets only with includeRetired. */
  assets: AssetConnection;
  /** Mutations of every subgraph and refused authentications, newest first, filtered by entity and time. Engineers and admins without a site restriction only. */
  auditLog: AuditEntryConnection;
  /** One characteristic by id; NOT_FOUND when unknown. */
  characteristic?: Maybe<Characteristic>;
  /** All characteristics by name. */
  characteristics: Array<Characteristic>;
  /** Every configured machine connection, by id. */
  connections: Array<Connection>;
  /** Messages that could not be mapped, newest first. */
  deadLetters: DeadLetterConnection;
  /** A version of the integration configuration; the current one without `version`, null while none was applied. Needs the role engineer or higher, without a site restriction. */
  integrationConfig?: Maybe<IntegrationConfigVersion>;
  /** What changes from version `from` to version `to`. Needs the role engineer or higher, without a site restriction. */
  integrationConfigDiff: Array<IntegrationConfigChange>;
  /** Versions of the integration configuration, newest first. Needs the role engineer or higher, without a site restriction. */
  integrationConfigVersions: Array<IntegrationConfigVersion>;
  /** Release, storage backend and schema migrations. */
  platform: Platform;
  /** One production order by id; NOT_FOUND when unknown. */
  productionOrder?: Maybe<ProductionOrder>;
  /** Production orders, newest first. */
  productionOrders: ProductionOrderConnection;
  /** One tag by id, retired or not; NOT_FOUND when unknown. */
  tag?: Maybe<Tag>;
  /** Aggregates of several tags on one time grid, column-oriented, a page at a time: at most 100000 values (rows × columns) per page, 1000000 buckets per window. Buckets, fills and statistics are those of `Tag.aggregate`. See docs/analytics.md. */
  timeseriesFrame: TimeseriesFrame;
};


export type QueryAlarmArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAlarmStatisticsArgs = {
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  top?: InputMaybe<Scalars['Int']['input']>;
  under?: InputMaybe<Scalars['ID']['input']>;
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
  includeRetired?: InputMaybe<Scalars['Boolean']['input']>;
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


export type QueryIntegrationConfigArgs = {
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryIntegrationConfigDiffArgs = {
  from: Scalars['Int']['input'];
  to: Scalars['Int']['input'];
};


export type QueryIntegrationConfigVersionsArgs = {
  before?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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


export type QueryTimeseriesFrameArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  fill?: GapFill;
  first?: InputMaybe<Scalars['Int']['input']>;
  from: Scalars['DateTime']['input'];
  functions: Array<AggregateFunction>;
  includeBadQuality?: Scalars['Boolean']['input'];
  interval: Scalars['String']['input'];
  tagIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  tagName?: InputMaybe<Scalars['String']['input']>;
  timezone?: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
  under?: InputMaybe<Scalars['ID']['input']>;
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

/** A shift of a site's calendar. Time outside every shift is not planned production time. */
export type Shift = {
  __typename?: 'Shift';
  /** ISO weekdays the shift starts on: 1 = Monday, 7 = Sunday. */
  daysOfWeek: Array<Scalars['Int']['output']>;
  /** Local end time; at or before the start, the shift ends the next day. */
  endTime: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** e.g. "Early", "Late", "Night". */
  name: Scalars['String']['output'];
  /** The site whose calendar this is. */
  site: Asset;
  /** Local start time, "HH:MM" or "HH:MM:SS". */
  startTime: Scalars['String']['output'];
  /** IANA time zone of the times, e.g. "Europe/Berlin". */
  timezone: Scalars['String']['output'];
};

/** The answer of an alarm source (an OPC UA server) to an acknowledgement made in the graph and carried to it by the connectors. */
export type SourceAcknowledgement = {
  __typename?: 'SourceAcknowledgement';
  /** When the answer was recorded. */
  at: Scalars['DateTime']['output'];
  /** Who acknowledged the alarm in the graph. */
  by: Scalars['String']['output'];
  /** The id of the connection that carried the acknowledgement. */
  connection?: Maybe<Scalars['String']['output']>;
  /** Why the source could not be reached (UNAVAILABLE); null when it answered. */
  message?: Maybe<Scalars['String']['output']>;
  outcome: SourceAcknowledgementOutcome;
  /** The source status code, e.g. "Good" or "BadConditionBranchAlreadyAcked"; UNAVAILABLE when the connection to the source was down. */
  statusCode?: Maybe<Scalars['String']['output']>;
};

/** How the alarm source answered an acknowledgement carried to it. */
export type SourceAcknowledgementOutcome =
  /** The source refused it (statusCode says why) or could not be reached. */
  | 'ERROR'
  /** The source accepted the acknowledgement. */
  | 'OK';

/** EMBEDDED: in-process PGlite with TimescaleDB. POSTGRES: a PostgreSQL/TimescaleDB server. */
export type StorageKind =
  | 'EMBEDDED'
  | 'POSTGRES';

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
  /** Statistics of the samples in [from, to) per time bucket, oldest first. At most 10000 buckets; a shorter interval is BAD_USER_INPUT (use `timeseriesFrame` to page through more). See docs/analytics.md. */
  aggregate: Array<AggregateBucket>;
  asset: Asset;
  /** The mutations of this tag (createTag, updateTag, retireTag), newest first, as the audit log holds them. Engineers and admins only. */
  changes?: Maybe<AuditEntryConnection>;
  dataType: TagDataType;
  description?: Maybe<Scalars['String']['output']>;
  /** At most `points` of the samples in [from, to), oldest first, picked to draw the curve faithfully (see DownsampleMethod). Only numeric samples, BAD ones only when included. */
  downsample: Array<Datapoint>;
  /** Samples in the window [from, to), oldest first. */
  history: DatapointConnection;
  /** The raw samples in [from, to), oldest first, as columns: up to 100,000 per page, for bulk reads that `history` would page through 1,000 at a time. See docs/analytics.md. */
  historyFrame: HistoryFrame;
  id: Scalars['ID']['output'];
  /** The newest sample; null before the first one. */
  latest?: Maybe<Datapoint>;
  /** The mappings of the integration configuration that fed this tag in [from, to), oldest first: where its values came from, and who changed that when. */
  lineage: Array<TagMappingPeriod>;
  name: Scalars['String']['output'];
  /** When the tag was retired (retireTag, or retireAsset of its asset); null while it is active. Retired tags keep their history and leave Asset.tags unless asked for with includeRetired. */
  retiredAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the value comes from: OPC UA node id, MQTT topic or Sparkplug metric. */
  source?: Maybe<Scalars['String']['output']>;
  unit?: Maybe<Scalars['String']['output']>;
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagAggregateArgs = {
  fill?: GapFill;
  from: Scalars['DateTime']['input'];
  functions: Array<AggregateFunction>;
  includeBadQuality?: Scalars['Boolean']['input'];
  interval: Scalars['String']['input'];
  timezone?: Scalars['String']['input'];
  to: Scalars['DateTime']['input'];
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagChangesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagDownsampleArgs = {
  from: Scalars['DateTime']['input'];
  includeBadQuality?: Scalars['Boolean']['input'];
  method?: DownsampleMethod;
  points: Scalars['Int']['input'];
  to: Scalars['DateTime']['input'];
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagHistoryArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagHistoryFrameArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first: Scalars['Int']['input'];
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


/** A signal of an asset: a sensor value, a setpoint, a status bit. */
export type TagLineageArgs = {
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};

export type TagDataType =
  | 'BOOLEAN'
  | 'FLOAT'
  | 'INTEGER'
  /** A whole OPC UA array or structure; its samples hold it as JSON text (`text`), parsed in `json`. */
  | 'JSON'
  | 'STRING';

/** A period in which one mapping of the integration configuration fed a tag: from the version that introduced it to the one that changed or removed it. */
export type TagMappingPeriod = {
  __typename?: 'TagMappingPeriod';
  /** When `version` was applied: the period starts. */
  appliedAt: Scalars['DateTime']['output'];
  /** Who applied `version`. */
  appliedBy: Scalars['String']['output'];
  /** The connection id. */
  connection: Scalars['String']['output'];
  deadband: Scalars['Float']['output'];
  /** When `replacedByVersion` was applied: the period ends. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The instance the template expanded for. */
  instance?: Maybe<Scalars['String']['output']>;
  offset: Scalars['Float']['output'];
  /** The version that changed or removed it; null while it is current. */
  replacedByVersion?: Maybe<Scalars['Int']['output']>;
  scale: Scalars['Float']['output'];
  /** What the connector reads: node id, browse path, topic, Sparkplug path. */
  source: Scalars['String']['output'];
  /** The template, for an expanded instance. */
  template?: Maybe<Scalars['String']['output']>;
  /** The configuration version that introduced the mapping. */
  version: Scalars['Int']['output'];
};

/** A new sample of a tag, as it arrives. */
export type TagValue = {
  __typename?: 'TagValue';
  /** JSON samples (a whole OPC UA array or structure): `text` parsed; null when `text` holds no JSON array or object. */
  json?: Maybe<Scalars['JSON']['output']>;
  quality: DatapointQuality;
  tag: Tag;
  /** String samples, and JSON samples as JSON text. */
  text?: Maybe<Scalars['String']['output']>;
  time: Scalars['DateTime']['output'];
  /** Numeric and boolean (0/1) samples. */
  value?: Maybe<Scalars['Float']['output']>;
};

/** The TimescaleDB edition, after its `timescaledb.license` setting. */
export type TimescaleLicense =
  /** The Apache-2.0 edition managed services ship: hypertables without compression, retention policies, continuous aggregates or gap filling. Aggregates are computed from the raw samples. */
  | 'APACHE'
  /** The edition with the Timescale License features: compression, retention policies, continuous aggregates (rollups) and gap filling. */
  | 'TIMESCALE';

/** Aggregates of several tags on one time grid, column by column, for charts and data frames. */
export type TimeseriesFrame = {
  __typename?: 'TimeseriesFrame';
  /** Per tag, one column per function, in that order. */
  columns: Array<FrameColumn>;
  /** endCursor continues with the next bucket; null on the last page. */
  pageInfo: PageInfo;
  /** Bucket starts, oldest first. */
  timestamps: Array<Scalars['DateTime']['output']>;
};

/** Changes to an asset; omitted fields keep their value. A new name or parent rewrites the path of the asset and of everything below it. */
export type UpdateAssetInput = {
  /** A new description; null clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** A new name; null is refused. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Moves the asset with its subtree under another parent of the right kind in the same site; null moves to the root (an ENTERPRISE only). */
  parentId?: InputMaybe<Scalars['ID']['input']>;
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

/** Changes to a tag; omitted fields keep their value, null clears unit and description. The data type changes among FLOAT, INTEGER and BOOLEAN, or between STRING and JSON, never from numbers to text or back. */
export type UpdateTagInput = {
  dataType?: InputMaybe<TagDataType>;
  description?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  unit?: InputMaybe<Scalars['String']['input']>;
};

export type MotorCurrentFrameQueryVariables = Exact<{
  line: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type MotorCurrentFrameQuery = { __typename?: 'Query', timeseriesFrame: { __typename?: 'TimeseriesFrame', timestamps: Array<string>, columns: Array<{ __typename?: 'FrameColumn', tagId: string, tagName: string, assetPath: string, function: AggregateFunction, values: Array<number | null>, tag: { __typename?: 'Tag', name: string, asset: { __typename?: 'Asset', kind: AssetKind, path: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type EquipmentAggregatesQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
}>;


export type EquipmentAggregatesQuery = { __typename?: 'Query', assets: { __typename?: 'AssetConnection', edges: Array<{ __typename?: 'AssetEdge', node: { __typename?: 'Asset', tags: Array<{ __typename?: 'Tag', id: string, name: string, aggregate: Array<{ __typename?: 'AggregateBucket', start: string, avg?: number | null, max?: number | null, timeWeightedAvg?: number | null, count: number, badCount: number }>, downsample: Array<{ __typename?: 'Datapoint', time: string, value?: number | null }> }> } }> } };

export type PlaceAssetMutationVariables = Exact<{
  input: CreateAssetInput;
}>;


export type PlaceAssetMutation = { __typename?: 'Mutation', createAsset: { __typename?: 'Asset', id: string, path: string } };

export type MoveAssetMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  input: UpdateAssetInput;
}>;


export type MoveAssetMutation = { __typename?: 'Mutation', updateAsset: { __typename?: 'Asset', id: string, path: string, descendants: Array<{ __typename?: 'Asset', path: string }> } };

export type RetireTagMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RetireTagMutation = { __typename?: 'Mutation', retireTag: { __typename?: 'Tag', id: string, retiredAt?: string | null } };

export type MovedLineQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MovedLineQuery = { __typename?: 'Query', asset?: { __typename?: 'Asset', path: string, descendants: Array<{ __typename?: 'Asset', id: string, path: string, tags: Array<{ __typename?: 'Tag', id: string, name: string }>, orders: Array<{ __typename?: 'ProductionOrder', number: string }> }>, changes?: { __typename?: 'AuditEntryConnection', edges: Array<{ __typename?: 'AuditEntryEdge', node: { __typename?: 'AuditEntry', operation: string, outcome: string } }> } | null } | null };

export type AssetAuditQueryVariables = Exact<{
  id: Scalars['String']['input'];
}>;


export type AssetAuditQuery = { __typename?: 'Query', auditLog: { __typename?: 'AuditEntryConnection', edges: Array<{ __typename?: 'AuditEntryEdge', node: { __typename?: 'AuditEntry', operation: string, actor: string, outcome: string } }> } };

export type StateOfAssetsSubscriptionVariables = Exact<{
  assetIds?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
}>;


export type StateOfAssetsSubscription = { __typename?: 'Subscription', machineStateChanged: { __typename?: 'MachineStateChange', state: MachineState, reason?: string | null, asset: { __typename?: 'Asset', id: string, path: string } } };

export type PlantOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type PlantOverviewQuery = { __typename?: 'Query', assets: { __typename?: 'AssetConnection', totalCount: number, edges: Array<{ __typename?: 'AssetEdge', node: { __typename?: 'Asset', id: string, name: string, path: string, tags: Array<{ __typename?: 'Tag', name: string, latest?: { __typename?: 'Datapoint', time: string, value?: number | null } | null }>, state?: { __typename?: 'MachineStateInfo', state: MachineState, since: string } | null, orders: Array<{ __typename?: 'ProductionOrder', number: string, status: ProductionOrderStatus }>, measurements: { __typename?: 'MeasurementConnection', edges: Array<{ __typename?: 'MeasurementEdge', node: { __typename?: 'Measurement', value: number, inSpec: boolean } }> }, activeAlarms: Array<{ __typename?: 'Alarm', code: string, severity: AlarmSeverity }> } }> } };

export type OversizedPageQueryVariables = Exact<{ [key: string]: never; }>;


export type OversizedPageQuery = { __typename?: 'Query', assets: { __typename?: 'AssetConnection', totalCount: number } };

export type CreateOrderMutationVariables = Exact<{
  input: CreateProductionOrderInput;
}>;


export type CreateOrderMutation = { __typename?: 'Mutation', createProductionOrder: { __typename?: 'ProductionOrder', id: string, number: string, status: ProductionOrderStatus, asset: { __typename?: 'Asset', id: string, name: string, activeAlarms: Array<{ __typename?: 'Alarm', code: string }> } } };

export type OrdersOfAssetQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type OrdersOfAssetQuery = { __typename?: 'Query', asset?: { __typename?: 'Asset', orders: Array<{ __typename?: 'ProductionOrder', number: string }> } | null };

export type PlatformQueryVariables = Exact<{ [key: string]: never; }>;


export type PlatformQuery = { __typename?: 'Query', platform: { __typename?: 'Platform', version: string, storage: StorageKind, timescale: boolean, migrations: Array<{ __typename?: 'Migration', name: string }> } };

export type HistoryFramePageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  from?: InputMaybe<Scalars['DateTime']['input']>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type HistoryFramePageQuery = { __typename?: 'Query', tag?: { __typename?: 'Tag', historyFrame: { __typename?: 'HistoryFrame', timestamps: Array<string>, values: Array<number | null>, qualities: Array<DatapointQuality>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } | null };

export type FourLargestPagesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type FourLargestPagesQuery = { __typename?: 'Query', a?: { __typename?: 'Tag', historyFrame: { __typename?: 'HistoryFrame', timestamps: Array<string>, values: Array<number | null>, qualities: Array<DatapointQuality> } } | null, b?: { __typename?: 'Tag', historyFrame: { __typename?: 'HistoryFrame', timestamps: Array<string>, values: Array<number | null>, qualities: Array<DatapointQuality> } } | null, c?: { __typename?: 'Tag', historyFrame: { __typename?: 'HistoryFrame', timestamps: Array<string>, values: Array<number | null>, qualities: Array<DatapointQuality> } } | null, d?: { __typename?: 'Tag', historyFrame: { __typename?: 'HistoryFrame', timestamps: Array<string>, values: Array<number | null>, qualities: Array<DatapointQuality> } } | null };

export type NestedAssetsQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type NestedAssetsQuery = { __typename?: 'Query', assets: { __typename?: 'AssetConnection', totalCount: number, edges: Array<{ __typename?: 'AssetEdge', node: { __typename?: 'Asset', id: string, parent?: { __typename?: 'Asset', name: string } | null, ancestors: Array<{ __typename?: 'Asset', name: string }>, children: Array<{ __typename?: 'Asset', name: string }>, descendants: Array<{ __typename?: 'Asset', name: string }>, tags: Array<{ __typename?: 'Tag', name: string, asset: { __typename?: 'Asset', name: string }, latest?: { __typename?: 'Datapoint', time: string, value?: number | null } | null, history: { __typename?: 'DatapointConnection', edges: Array<{ __typename?: 'DatapointEdge', node: { __typename?: 'Datapoint', value?: number | null } }> } }>, state?: { __typename?: 'MachineStateInfo', state: MachineState, since: string } | null, stateHistory: Array<{ __typename?: 'MachineStateInfo', state: MachineState }>, orders: Array<{ __typename?: 'ProductionOrder', number: string, statusHistory: Array<{ __typename?: 'OrderStatusChange', to: ProductionOrderStatus }>, measurements: { __typename?: 'MeasurementConnection', edges: Array<{ __typename?: 'MeasurementEdge', node: { __typename?: 'Measurement', value: number } }> } }>, activeOrder?: { __typename?: 'ProductionOrder', number: string } | null, measurements: { __typename?: 'MeasurementConnection', edges: Array<{ __typename?: 'MeasurementEdge', node: { __typename?: 'Measurement', value: number, inSpec: boolean, characteristic: { __typename?: 'Characteristic', name: string } } }> }, activeAlarms: Array<{ __typename?: 'Alarm', code: string, severity: AlarmSeverity, asset: { __typename?: 'Asset', name: string } }> } }> } };


export const MotorCurrentFrameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MotorCurrentFrame"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"line"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timeseriesFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"under"},"value":{"kind":"Variable","name":{"kind":"Name","value":"line"}}},{"kind":"Argument","name":{"kind":"Name","value":"tagName"},"value":{"kind":"StringValue","value":"Motor Current","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"interval"},"value":{"kind":"StringValue","value":"15 minutes","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"functions"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"AVG"},{"kind":"EnumValue","value":"MAX"},{"kind":"EnumValue","value":"TIME_WEIGHTED_AVG"}]}},{"kind":"Argument","name":{"kind":"Name","value":"fill"},"value":{"kind":"EnumValue","value":"NULL"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"8"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"columns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tagId"}},{"kind":"Field","name":{"kind":"Name","value":"tagName"}},{"kind":"Field","name":{"kind":"Name","value":"assetPath"}},{"kind":"Field","name":{"kind":"Name","value":"function"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"tag"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"asset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<MotorCurrentFrameQuery, MotorCurrentFrameQueryVariables>;
export const EquipmentAggregatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EquipmentAggregates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"EQUIPMENT"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"aggregate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"interval"},"value":{"kind":"StringValue","value":"15 minutes","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"functions"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"AVG"},{"kind":"EnumValue","value":"MAX"},{"kind":"EnumValue","value":"TIME_WEIGHTED_AVG"}]}},{"kind":"Argument","name":{"kind":"Name","value":"fill"},"value":{"kind":"EnumValue","value":"NULL"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"avg"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"timeWeightedAvg"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"badCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"downsample"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"points"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"method"},"value":{"kind":"EnumValue","value":"MIN_MAX"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<EquipmentAggregatesQuery, EquipmentAggregatesQueryVariables>;
export const PlaceAssetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PlaceAsset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateAssetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createAsset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]} as unknown as DocumentNode<PlaceAssetMutation, PlaceAssetMutationVariables>;
export const MoveAssetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MoveAsset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateAssetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateAsset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"descendants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}}]} as unknown as DocumentNode<MoveAssetMutation, MoveAssetMutationVariables>;
export const RetireTagDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RetireTag"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"retireTag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"retiredAt"}}]}}]}}]} as unknown as DocumentNode<RetireTagMutation, RetireTagMutationVariables>;
export const MovedLineDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MovedLine"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"descendants"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"EQUIPMENT"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"changes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MovedLineQuery, MovedLineQueryVariables>;
export const AssetAuditDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AssetAudit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditLog"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"entityType"},"value":{"kind":"StringValue","value":"Asset","block":false}},{"kind":"Argument","name":{"kind":"Name","value":"entityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AssetAuditQuery, AssetAuditQueryVariables>;
export const StateOfAssetsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"StateOfAssets"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"assetIds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machineStateChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"assetIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"assetIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"asset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}}]} as unknown as DocumentNode<StateOfAssetsSubscription, StateOfAssetsSubscriptionVariables>;
export const PlantOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlantOverview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"EQUIPMENT"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"state"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"inSpec"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"activeAlarms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PlantOverviewQuery, PlantOverviewQueryVariables>;
export const OversizedPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OversizedPage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<OversizedPageQuery, OversizedPageQueryVariables>;
export const CreateOrderDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateOrder"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateProductionOrderInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createProductionOrder"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"asset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"activeAlarms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CreateOrderMutation, CreateOrderMutationVariables>;
export const OrdersOfAssetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OrdersOfAsset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"asset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"orders"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"CREATED"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}}]}}]}}]}}]} as unknown as DocumentNode<OrdersOfAssetQuery, OrdersOfAssetQueryVariables>;
export const PlatformDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platform"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"storage"}},{"kind":"Field","name":{"kind":"Name","value":"timescale"}},{"kind":"Field","name":{"kind":"Name","value":"migrations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<PlatformQuery, PlatformQueryVariables>;
export const HistoryFramePageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HistoryFramePage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"historyFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"qualities"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<HistoryFramePageQuery, HistoryFramePageQueryVariables>;
export const FourLargestPagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FourLargestPages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"a"},"name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"historyFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"qualities"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"b"},"name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"historyFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"qualities"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"c"},"name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"historyFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"qualities"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"d"},"name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"historyFrame"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100000"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"timestamps"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"qualities"}}]}}]}}]}}]} as unknown as DocumentNode<FourLargestPagesQuery, FourLargestPagesQueryVariables>;
export const NestedAssetsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NestedAssets"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"assets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"EQUIPMENT"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ancestors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"descendants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"asset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"state"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"since"}}]}},{"kind":"Field","name":{"kind":"Name","value":"stateHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}}]}},{"kind":"Field","name":{"kind":"Name","value":"orders"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"statusHistory"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"to"}}]}},{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"2"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"activeOrder"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"number"}}]}},{"kind":"Field","name":{"kind":"Name","value":"measurements"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"3"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"inSpec"}},{"kind":"Field","name":{"kind":"Name","value":"characteristic"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"activeAlarms"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"asset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<NestedAssetsQuery, NestedAssetsQueryVariables>;