import { z } from 'zod';
import { isFieldPath } from './element-path.ts';
import { backfillSchema } from './backfill.ts';
import { alarmSeverities, counterKinds, machineStates } from './vocabulary.ts';

/**
 * The connections and mappings file (PLANTGRAPH_CONFIG, YAML or JSON). Every connector process
 * and the demo read the same file; validation errors name the path of the bad field.
 */

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" and "_" only');

export const opcuaConnectionSchema = z.object({
  kind: z.literal('opcua'),
  id,
  endpoint: z.string().startsWith('opc.tcp://', 'must start with opc.tcp://'),
  securityMode: z.enum(['None', 'Sign', 'SignAndEncrypt']).default('None'),
  securityPolicy: z
    .enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'])
    .default('None'),
  /** Names of environment variables holding the credentials; secrets never live in the file. */
  usernameEnv: z.string().optional(),
  passwordEnv: z.string().optional(),
  samplingIntervalMs: z.number().int().min(0).default(1000),
  publishingIntervalMs: z.number().int().min(10).default(1000),
  queueSize: z.number().int().min(1).default(10),
  /** Servers cap monitored items per subscription; items are spread over several. */
  maxItemsPerSubscription: z.number().int().min(1).default(500),
  /** Reads what the connector missed from the server's history (see backfill.ts); off when unset. */
  backfill: backfillSchema.optional(),
});

export const mqttConnectionSchema = z.object({
  kind: z.literal('mqtt'),
  id,
  /** Broker URL; unset means the platform's bus (MQTT_URL or the embedded broker). */
  url: z
    .string()
    .regex(/^mqtts?:\/\//, 'must start with mqtt:// or mqtts://')
    .optional(),
  clientId: z.string().min(1),
  usernameEnv: z.string().optional(),
  passwordEnv: z.string().optional(),
  topics: z.array(z.string().min(1)).min(1),
  format: z.enum(['uns-json', 'sparkplug', 'umh']),
  /** Messages on unmapped topics become dead letters instead of being ignored. */
  strict: z.boolean().default(false),
  /** Topic filters this connection leaves alone, e.g. machines' order interfaces. */
  exclude: z.array(z.string().min(1)).default([]),
  /** UNS discovery: unknown topics `<prefix><asset path>/<tag>` create the tag under that asset. */
  discovery: z.object({ prefix: z.string().min(1) }).optional(),
  /** format umh: how United Manufacturing Hub topics map onto the asset model. */
  umh: z
    .object({
      /** The Unified Namespace's versioning prefix. */
      prefix: z.string().min(1).default('umh/v1'),
      /** The path of an existing asset the topics' enterprise level stands for, whatever its name. */
      assetRoot: z.string().min(1).optional(),
      /** Discovery creates the assets a topic names that do not exist yet. */
      createAssets: z.boolean().default(true),
    })
    .strict()
    .optional(),
  /**
   * Sparkplug B: makes the connector a primary host application with this Sparkplug host id; it
   * publishes its state on `spBv1.0/STATE/<hostId>` (Sparkplug 3.0, Host Application STATE).
   */
  hostId: z
    .string()
    .regex(/^[^/+#]+$/, 'must not be empty or contain "/", "+" or "#"')
    .optional(),
});

export const connectionSchema = z.discriminatedUnion('kind', [
  opcuaConnectionSchema,
  mqttConnectionSchema,
]);

/**
 * OPC UA array and structure values: `index` picks an element of an array (0-based), `field` a
 * field of a structure, as a dotted path that may index arrays (`Axis.X`, `Axes[2].Position`).
 */
const elementSelector = {
  index: z.number().int().min(0).optional(),
  field: z
    .string()
    .refine(isFieldPath, 'must be a field path like "Axis.X" or "Axes[2].Position"')
    .optional(),
};

export const sourceSchema = z.union([
  z.object({ nodeId: z.string().min(1), ...elementSelector }).strict(),
  z.object({ browsePath: z.string().startsWith('/'), ...elementSelector }).strict(),
  z.object({ topic: z.string().min(1), jsonPath: z.string().optional() }).strict(),
  z
    .object({
      sparkplug: z
        .object({
          group: z.string().min(1),
          edgeNode: z.string().min(1),
          device: z.string().min(1).optional(),
          metric: z.string().min(1),
        })
        .strict(),
    })
    .strict(),
]);

const mappingBase = {
  connection: id,
  source: sourceSchema,
  /** Full asset path, e.g. "Acme Manufacturing/Dresden/Body Shop/Line 1/Press 01". */
  asset: z.string().min(1),
  /**
   * Set by template expansion, not written by hand: it lets a configuration parsePlantConfig
   * returned be parsed again without expanding its instances twice.
   */
  origin: z
    .strictObject({ template: z.string(), instance: z.string(), path: z.string() })
    .optional(),
};

export const tagMappingSchema = z.object({
  ...mappingBase,
  tag: z.string().min(1),
  /** JSON: a whole array or structure, stored as JSON text. */
  dataType: z.enum(['FLOAT', 'INTEGER', 'BOOLEAN', 'STRING', 'JSON']).default('FLOAT'),
  unit: z.string().optional(),
  description: z.string().optional(),
  /** stored = raw × scale + offset */
  scale: z.number().default(1),
  offset: z.number().default(0),
  /** Absolute deadband: changes smaller than this are not stored. */
  deadband: z.number().min(0).default(0),
});

const stateTarget = z.union([
  z.enum(machineStates),
  z.object({ state: z.enum(machineStates), reason: z.string().optional() }),
]);

const stateFields = {
  /** PLC state code → machine state (with an optional reason code). */
  codes: z.record(z.string(), stateTarget).optional(),
  /** Bit number → machine state; the lowest set bit wins. */
  bits: z.record(z.string().regex(/^\d+$/), stateTarget).optional(),
  /** The state for a code or bit pattern that is not listed. */
  otherwise: stateTarget.optional(),
};

const hasCodesOrBits = (mapping: { codes?: object; bits?: object }) =>
  Boolean(mapping.codes ?? mapping.bits);

export const stateMappingSchema = z
  .object({ ...mappingBase, ...stateFields })
  .refine(hasCodesOrBits, 'needs "codes" or "bits"');

export const counterMappingSchema = z.object({
  ...mappingBase,
  counter: z.enum(counterKinds),
  /** total: the source is a running total (a drop means the PLC reset it); increment: each value is a delta. */
  mode: z.enum(['total', 'increment']).default('total'),
});

export const alarmMappingSchema = z.object({
  ...mappingBase,
  code: z.string().min(1),
  severity: z.enum(alarmSeverities),
  message: z.string().min(1),
  /** Active while this bit of the value is set; without it, while the value is truthy. */
  bit: z.number().int().min(0).max(63).optional(),
});

/**
 * OPC UA Alarms & Conditions: the events of `source` (the Server object, i=2253, by default, or
 * any node whose subtree raises events) are subscribed with a filter for AlarmConditionType and
 * its subtypes; each condition becomes an alarm of `asset`, or of the asset `assets` names for
 * its SourceName or ConditionName (see the OPC UA connector's events/ folder).
 */
export const eventMappingSchema = z.object({
  ...mappingBase,
  source: sourceSchema.default({ nodeId: 'i=2253' }),
  /** SourceName or ConditionName → asset path; a condition named here goes to that asset. */
  assets: z.record(z.string().min(1), z.string().min(1)).optional(),
});

/**
 * Where a template's signal lives, relative to the instance: `{prefix}` stands for the instance's
 * prefix. OPC UA: a node id, or a browse path when it starts with "/" (and `index` or `field`
 * into an array or structure value); MQTT UNS JSON and UMH: a
 * topic (and `jsonPath` into its payload); Sparkplug B: the metric name on the instance's device.
 */
const signalAddress = {
  address: z.string().min(1),
  jsonPath: z.string().optional(),
  ...elementSelector,
};
const notFromTheFile = { connection: true, asset: true, source: true, origin: true } as const;

export const templateTagSchema = tagMappingSchema.omit(notFromTheFile).extend(signalAddress);
export const templateStateSchema = z
  .object({ ...stateFields, ...signalAddress })
  .refine(hasCodesOrBits, 'needs "codes" or "bits"');
export const templateCounterSchema = counterMappingSchema
  .omit(notFromTheFile)
  .extend(signalAddress);
export const templateAlarmSchema = alarmMappingSchema.omit(notFromTheFile).extend(signalAddress);

/**
 * A machine type's signals, written once and instantiated per machine (like an Ignition UDT or a
 * HighByte model). Overrides name a signal by its tag, counter or alarm code; the state signal is
 * called `state`.
 */
export const templateSchema = z.object({
  id,
  description: z.string().optional(),
  tags: z.array(templateTagSchema).default([]),
  states: z.array(templateStateSchema).default([]),
  counters: z.array(templateCounterSchema).default([]),
  alarms: z.array(templateAlarmSchema).default([]),
});

/**
 * What an instance may change about one signal; each field replaces the template's value as a
 * whole. `exclude: true` leaves the signal out for this machine. No defaults here: a field the
 * override leaves out keeps the template's value.
 */
export const signalOverrideSchema = z.strictObject({
  exclude: z.literal(true).optional(),
  ...signalAddress,
  address: signalAddress.address.optional(),
  dataType: tagMappingSchema.shape.dataType.unwrap().optional(),
  unit: tagMappingSchema.shape.unit,
  description: tagMappingSchema.shape.description,
  scale: tagMappingSchema.shape.scale.unwrap().optional(),
  offset: tagMappingSchema.shape.offset.unwrap().optional(),
  deadband: tagMappingSchema.shape.deadband.unwrap().optional(),
  ...stateFields,
  mode: counterMappingSchema.shape.mode.unwrap().optional(),
  severity: alarmMappingSchema.shape.severity.optional(),
  message: alarmMappingSchema.shape.message.optional(),
  bit: alarmMappingSchema.shape.bit,
});

/** The Sparkplug B device (or, without `device`, the edge node) an instance's metrics come from. */
export const sparkplugDeviceSchema = z.strictObject({
  group: z.string().min(1),
  edgeNode: z.string().min(1),
  device: z.string().min(1).optional(),
});

/**
 * One machine made from a template: its asset, the connection it is read over and where its
 * signals are (`prefix`, or the Sparkplug `device`). `discover: true` (Sparkplug only) also turns
 * the device's birth metrics into the asset's tags; then `template` may be left out.
 */
export const instanceSchema = z
  .strictObject({
    template: id.optional(),
    asset: z.string().min(1),
    connection: id,
    prefix: z.string().min(1).optional(),
    device: sparkplugDeviceSchema.optional(),
    /** Keyed by signal name: a tag's `tag`, a counter's `counter`, an alarm's `code`, or `state`. */
    overrides: z.record(z.string().min(1), signalOverrideSchema).optional(),
    discover: z.boolean().optional(),
  })
  .refine((instance) => instance.template !== undefined || instance.discover === true, {
    message: 'needs "template" unless "discover" is true',
    path: ['template'],
  });

export const setpointSchema = z
  .object({
    name: z.string().min(1),
    unit: z.string().min(1).optional(),
    min: z.number(),
    max: z.number(),
  })
  .refine((setpoint) => setpoint.min <= setpoint.max, {
    message: 'min must not exceed max',
    path: ['max'],
  });

/**
 * A machine's order interface. OPC UA: `nodeId` is the order folder (string node id); the
 * connector writes `<nodeId>.Number`, `.Material`, `.Quantity`, `.CommandId` and
 * `.Parameters.<Name>`, reads them back, calls `<nodeId>.Download` and follows `.State`,
 * `.ActiveCommandId`, `.Good` and `.Reject`. MQTT (UNS JSON): commands go to `<topic>/download`,
 * the machine answers on `<topic>/ack` and reports on `<topic>/progress`.
 */
export const downloadSchema = z.object({
  asset: z.string().min(1),
  connection: z.string().min(1),
  nodeId: z
    .string()
    .includes(';s=', { message: 'must be a string node id (ns=<n>;s=<name>)' })
    .optional(),
  topic: z.string().min(1).optional(),
  parameters: z.array(setpointSchema).default([]),
  /** How long the machine has to acknowledge one attempt. */
  ackTimeoutMs: z.number().int().min(10).default(5000),
  maxAttempts: z.number().int().min(1).default(3),
  /** Wait before the second attempt; doubles for each further one. */
  retryBackoffMs: z.number().int().min(0).default(1000),
});

export const plantConfigSchema = z
  .object({
    connections: z.array(connectionSchema).default([]),
    downloads: z.array(downloadSchema).default([]),
    mappings: z
      .object({
        tags: z.array(tagMappingSchema).default([]),
        states: z.array(stateMappingSchema).default([]),
        counters: z.array(counterMappingSchema).default([]),
        alarms: z.array(alarmMappingSchema).default([]),
        events: z.array(eventMappingSchema).default([]),
      })
      .default({ tags: [], states: [], counters: [], alarms: [], events: [] }),
    /** Machine templates and their instances, expanded into `mappings` (see mapping/templates.ts). */
    templates: z.array(templateSchema).default([]),
    instances: z.array(instanceSchema).default([]),
  })
  .superRefine((config, context) => {
    const ids = new Set<string>();
    config.connections.forEach((connection, index) => {
      if (ids.has(connection.id)) {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'id'],
          message: `duplicate connection id "${connection.id}"`,
        });
      }
      ids.add(connection.id);
      if (connection.kind === 'mqtt' && connection.hostId && connection.format !== 'sparkplug') {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'hostId'],
          message: 'hostId is for format sparkplug only',
        });
      }
      if (connection.kind === 'mqtt' && connection.umh && connection.format !== 'umh') {
        context.addIssue({
          code: 'custom',
          path: ['connections', index, 'umh'],
          message: 'umh is for format umh only',
        });
      }
    });
    config.downloads.forEach((download, index) => {
      const connection = config.connections.find((item) => item.id === download.connection);
      const problem = !connection
        ? [['connection'], `unknown connection "${download.connection}"`]
        : connection.kind === 'opcua' && !download.nodeId
          ? [['nodeId'], 'an OPC UA download needs the nodeId of the order folder']
          : connection.kind === 'mqtt' && !download.topic
            ? [['topic'], 'an MQTT download needs the order topic']
            : undefined;
      if (problem) {
        const [path, message] = problem as [string[], string];
        context.addIssue({ code: 'custom', path: ['downloads', index, ...path], message });
      }
    });
    config.mappings.events.forEach((mapping, index) => {
      const connection = config.connections.find((item) => item.id === mapping.connection);
      if (connection?.kind !== 'mqtt') return;
      context.addIssue({
        code: 'custom',
        path: ['mappings', 'events', index, 'connection'],
        message: `events are OPC UA Alarms & Conditions: "${mapping.connection}" is MQTT`,
      });
    });
    for (const [group, mappings] of Object.entries(config.mappings)) {
      mappings.forEach((mapping, index) => {
        if (!ids.has(mapping.connection)) {
          context.addIssue({
            code: 'custom',
            path: ['mappings', group, index, 'connection'],
            message: `unknown connection "${mapping.connection}"`,
          });
        }
      });
    }
  });

/**
 * Where a mapping made from a template instance came from: the template's id, the instance (its
 * asset path) and the instance's place in the document (`instances[3]`), which errors name.
 */
export interface MappingOrigin {
  template: string;
  instance: string;
  path: string;
}

/**
 * A Sparkplug B device (or edge node) bound to an asset whose birth metrics become the asset's
 * tags (Sparkplug discovery); `path` is its place in the document, which errors name.
 */
export interface SparkplugDiscovery {
  connection: string;
  asset: string;
  group: string;
  edgeNode: string;
  device?: string;
  path: string;
}

type Traced<T> = T & { origin?: MappingOrigin };

/**
 * The configuration as validated; template instances are expanded into `mappings`. `templates`
 * and `instances` stay as written, for reference only: nothing downstream needs them, so a
 * configuration built in code may leave them out.
 */
export type PlantConfig = Omit<
  z.infer<typeof plantConfigSchema>,
  'mappings' | 'templates' | 'instances'
> & {
  templates?: TemplateConfig[];
  instances?: InstanceConfig[];
  mappings: {
    tags: TagMapping[];
    states: StateMapping[];
    counters: CounterMapping[];
    alarms: AlarmMapping[];
    /** Alarms & Conditions subscriptions; a configuration built in code may leave them out. */
    events?: EventMapping[];
  };
  sparkplugDiscovery?: SparkplugDiscovery[];
};
export type ConnectionConfig = z.infer<typeof connectionSchema>;
export type OpcuaConnectionConfig = z.infer<typeof opcuaConnectionSchema>;
export type MqttConnectionConfig = z.infer<typeof mqttConnectionSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type TagMapping = Traced<z.infer<typeof tagMappingSchema>>;
export type StateMapping = Traced<z.infer<typeof stateMappingSchema>>;
export type CounterMapping = Traced<z.infer<typeof counterMappingSchema>>;
export type AlarmMapping = Traced<z.infer<typeof alarmMappingSchema>>;
export type EventMapping = z.infer<typeof eventMappingSchema>;
export type DownloadConfig = z.infer<typeof downloadSchema>;
export type TemplateConfig = z.infer<typeof templateSchema>;
export type InstanceConfig = z.infer<typeof instanceSchema>;
export type SignalOverride = z.infer<typeof signalOverrideSchema>;
export type SetpointConfig = z.infer<typeof setpointSchema>;
