import type { z } from 'zod';
import type {
  ConnectionConfig,
  InstanceConfig,
  MappingOrigin,
  PlantConfig,
  SignalOverride,
  SourceConfig,
  SparkplugDiscovery,
  TemplateConfig,
  plantConfigSchema,
} from './plant-config.ts';

/**
 * Machine templates: a template lists a machine type's signals with addresses relative to the
 * machine, an instance binds it to one asset and connection. Expansion turns every instance into
 * the plain mappings the rest of ingest runs on, each with its origin, so that no other part needs
 * to know templates exist.
 */

/** The configuration as the schema returns it, templates not yet expanded. */
export type ParsedPlantConfig = z.infer<typeof plantConfigSchema>;

/** A problem with the document: the path of the field and what is wrong with it. */
export interface ConfigIssue {
  path: PropertyKey[];
  message: string;
}

export type SignalGroup = 'tags' | 'states' | 'counters' | 'alarms';
type TemplateSignal = TemplateConfig[SignalGroup][number];

/** The placeholder in a template's addresses that each instance replaces with its prefix. */
const PREFIX_PLACEHOLDER = '{prefix}';

const GROUPS: readonly SignalGroup[] = ['tags', 'states', 'counters', 'alarms'];

/** Where in a value a signal is: a JSON payload's path, an OPC UA array's element or field. */
const ADDRESS_FIELDS = ['jsonPath', 'index', 'field'] as const;

/** Override fields each kind of signal has besides its address fields. */
const OWN_FIELDS: Record<SignalGroup, readonly string[]> = {
  tags: ['dataType', 'unit', 'description', 'scale', 'offset', 'deadband'],
  states: ['codes', 'bits', 'otherwise'],
  counters: ['mode'],
  alarms: ['severity', 'message', 'bit'],
};
const KIND: Record<SignalGroup, string> = {
  tags: 'tag',
  states: 'state signal',
  counters: 'counter',
  alarms: 'alarm',
};
/** The field that holds a signal's name; the state signal has none and is called `state`. */
const NAME_FIELD: Record<SignalGroup, string | undefined> = {
  tags: 'tag',
  states: undefined,
  counters: 'counter',
  alarms: 'code',
};

/**
 * The name that overrides key a signal by and errors show: a tag's `tag`, a counter's `counter`,
 * an alarm's `code`, and `state` for the state signal.
 */
export function signalName(group: SignalGroup, signal: object): string {
  const field = NAME_FIELD[group];
  if (field === undefined) return 'state';
  return String((signal as Record<string, unknown>)[field]);
}

interface NamedSignal {
  group: SignalGroup;
  index: number;
  name: string;
  signal: TemplateSignal;
}

function signalsOf(template: TemplateConfig): NamedSignal[] {
  return GROUPS.flatMap((group) =>
    template[group].map((signal, index) => ({
      group,
      index,
      name: signalName(group, signal),
      signal,
    })),
  );
}

/** The fields an override sets, without `exclude` and without keys a caller left undefined. */
function overridden(override: SignalOverride | undefined): Partial<SignalOverride> {
  if (!override) return {};
  return Object.fromEntries(
    Object.entries(override).filter(([key, value]) => key !== 'exclude' && value !== undefined),
  );
}

/** A signal as this instance reads it, overrides applied; undefined when excluded. */
function effectiveSignal<S extends TemplateSignal>(
  instance: InstanceConfig,
  name: string,
  signal: S,
): S | undefined {
  const override = instance.overrides?.[name];
  if (override?.exclude) return undefined;
  // overrideProblems has checked that the override only sets fields this kind of signal has.
  return { ...signal, ...overridden(override) } as S;
}

const isSparkplug = (connection: ConnectionConfig) =>
  connection.kind === 'mqtt' && connection.format === 'sparkplug';

function describeConnection(connection: ConnectionConfig): string {
  if (connection.kind === 'opcua') return `connection "${connection.id}" is OPC UA`;
  const carries = { sparkplug: 'Sparkplug B', umh: 'UMH', 'uns-json': 'UNS JSON' }[
    connection.format
  ];
  return `connection "${connection.id}" carries ${carries}`;
}

/** The source of one signal of an instance: the address with the prefix filled in. */
function sourceFor(
  instance: InstanceConfig,
  connection: ConnectionConfig,
  signal: TemplateSignal,
): SourceConfig {
  const address =
    instance.prefix === undefined
      ? signal.address
      : signal.address.replaceAll(PREFIX_PLACEHOLDER, instance.prefix);
  if (connection.kind === 'opcua') {
    const element = elementOf(signal);
    return address.startsWith('/')
      ? { browsePath: address, ...element }
      : { nodeId: address, ...element };
  }
  if (connection.format !== 'sparkplug')
    return signal.jsonPath === undefined
      ? { topic: address }
      : { topic: address, jsonPath: signal.jsonPath };
  if (!instance.device) throw new Error('a Sparkplug instance without device passed validation');
  return { sparkplug: { ...instance.device, metric: address } };
}

function templateIdProblems(templates: readonly TemplateConfig[]): ConfigIssue[] {
  const seen = new Set<string>();
  return templates.flatMap((template, index) => {
    const duplicate = seen.has(template.id);
    seen.add(template.id);
    return duplicate
      ? [{ path: ['templates', index, 'id'], message: `duplicate template id "${template.id}"` }]
      : [];
  });
}

/** Overrides key signals by name, so names must be unique within a template. */
function signalNameProblems(template: TemplateConfig, at: PropertyKey[]): ConfigIssue[] {
  const first = new Map<string, NamedSignal>();
  return signalsOf(template).flatMap((entry) => {
    const earlier = first.get(entry.name);
    if (!earlier) {
      first.set(entry.name, entry);
      return [];
    }
    const field = NAME_FIELD[entry.group];
    const where = `${earlier.group}[${earlier.index}]`;
    return [
      {
        path: [...at, entry.group, entry.index, ...(field === undefined ? [] : [field])],
        message:
          entry.group === 'states'
            ? `a template has one state signal (the first is states[0])`
            : `duplicate signal name "${entry.name}" (also ${where}); overrides need unique names`,
      },
    ];
  });
}

/** What is wrong with the templates themselves, whether or not an instance uses them. */
function templateProblems(templates: readonly TemplateConfig[]): ConfigIssue[] {
  return [
    ...templateIdProblems(templates),
    ...templates.flatMap((template, index) => signalNameProblems(template, ['templates', index])),
  ];
}

function overrideProblems(
  instance: InstanceConfig,
  at: PropertyKey[],
  template: TemplateConfig,
): ConfigIssue[] {
  const signals = new Map(signalsOf(template).map((entry) => [entry.name, entry]));
  return Object.entries(instance.overrides ?? {}).flatMap(([name, override]) => {
    const path = [...at, 'overrides', name];
    const entry = signals.get(name);
    if (!entry)
      return [{ path, message: `template "${template.id}" has no signal named "${name}"` }];
    const fields = Object.keys(overridden(override));
    if (override.exclude && fields.length > 0)
      return [{ path: [...path, 'exclude'], message: 'an excluded signal takes no other fields' }];
    return fields
      .filter(
        (field) => !['address', ...ADDRESS_FIELDS, ...OWN_FIELDS[entry.group]].includes(field),
      )
      .map((field) => ({
        path: [...path, field],
        message: `${KIND[entry.group]} "${name}" has no ${field}`,
      }));
  });
}

/** Whether the instance says where its signals are the way its connection needs. */
function addressProblems(
  instance: InstanceConfig,
  at: PropertyKey[],
  connection: ConnectionConfig,
  template: TemplateConfig | undefined,
): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  if (isSparkplug(connection) && !instance.device)
    problems.push({ path: [...at, 'device'], message: 'a sparkplug instance needs device' });
  if (!isSparkplug(connection) && instance.device)
    problems.push({
      path: [...at, 'device'],
      message: `device is for Sparkplug B connections; ${describeConnection(connection)}`,
    });
  if (!isSparkplug(connection) && instance.discover)
    problems.push({
      path: [...at, 'discover'],
      message: `discovery is for Sparkplug B connections; ${describeConnection(connection)}`,
    });
  if (!template) return problems;
  const signals = signalsOf(template).flatMap((entry) => {
    const signal = effectiveSignal(instance, entry.name, entry.signal);
    return signal ? [{ name: entry.name, signal }] : [];
  });
  const needsPrefix = signals.find(({ signal }) => signal.address.includes(PREFIX_PLACEHOLDER));
  if (needsPrefix && instance.prefix === undefined)
    problems.push({
      path: [...at, 'prefix'],
      message: `the address of "${needsPrefix.name}" uses ${PREFIX_PLACEHOLDER}: the instance needs prefix`,
    });
  const withJson = signals.filter(({ signal }) => signal.jsonPath !== undefined);
  if (withJson.length > 0 && (connection.kind === 'opcua' || isSparkplug(connection)))
    problems.push({
      path: [...at, 'connection'],
      message: `${describeConnection(connection)}: jsonPath (${withJson
        .map(({ name }) => `"${name}"`)
        .join(', ')}) is for JSON payloads on MQTT topics`,
    });
  const withElement = signals.filter(({ signal }) => elementOf(signal) !== undefined);
  if (withElement.length > 0 && connection.kind !== 'opcua')
    problems.push({
      path: [...at, 'connection'],
      message: `${describeConnection(connection)}: index and field (${withElement
        .map(({ name }) => `"${name}"`)
        .join(', ')}) are for OPC UA arrays and structures`,
    });
  return problems;
}

/** The array element or structure field a signal picks, when it picks one. */
function elementOf(signal: TemplateSignal): { index?: number; field?: string } | undefined {
  if (signal.index === undefined && signal.field === undefined) return undefined;
  return {
    ...(signal.index === undefined ? {} : { index: signal.index }),
    ...(signal.field === undefined ? {} : { field: signal.field }),
  };
}

/** Duplicates: one template twice on one asset (or one asset discovered twice). */
function duplicateInstanceProblems(instances: readonly InstanceConfig[]): ConfigIssue[] {
  const first = new Map<string, number>();
  return instances.flatMap((instance, index) => {
    const key = `${instance.template ?? ''}\u0000${instance.asset}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      return [];
    }
    const what =
      instance.template === undefined
        ? 'discovers this asset'
        : `makes this asset from template "${instance.template}"`;
    return [
      {
        path: ['instances', index, 'asset'],
        message: `duplicate instance: instances[${earlier}] already ${what}`,
      },
    ];
  });
}

function instanceProblems(
  config: ParsedPlantConfig,
  instance: InstanceConfig,
  index: number,
): ConfigIssue[] {
  const at = ['instances', index];
  const problems: ConfigIssue[] = [];
  const connection = config.connections.find((item) => item.id === instance.connection);
  if (!connection)
    problems.push({
      path: [...at, 'connection'],
      message: `unknown connection "${instance.connection}"`,
    });
  const template = config.templates.find((item) => item.id === instance.template);
  if (instance.template !== undefined && !template)
    problems.push({
      path: [...at, 'template'],
      message: `unknown template "${instance.template}"`,
    });
  if (instance.template === undefined && instance.overrides)
    problems.push({ path: [...at, 'overrides'], message: 'overrides need a template' });
  if (template) problems.push(...overrideProblems(instance, at, template));
  if (connection) problems.push(...addressProblems(instance, at, connection, template));
  return problems;
}

/**
 * Every problem with templates and instances, each naming its place in the document, e.g.
 * `instances[3].template` for an unknown template. Expansion assumes there are none.
 */
export function templatingProblems(config: ParsedPlantConfig): ConfigIssue[] {
  return [
    ...templateProblems(config.templates),
    ...config.instances.flatMap((instance, index) => instanceProblems(config, instance, index)),
    ...duplicateInstanceProblems(config.instances),
  ];
}

/** A signal's own fields: what a mapping has besides connection, source and asset. */
function withoutAddress<S extends TemplateSignal>(
  signal: S,
): Omit<S, 'address' | (typeof ADDRESS_FIELDS)[number]> {
  const fields: Partial<S> = { ...signal };
  delete fields.address;
  delete fields.jsonPath;
  delete fields.index;
  delete fields.field;
  return fields as Omit<S, 'address' | (typeof ADDRESS_FIELDS)[number]>;
}

/** One instance's mappings, each with its origin. */
function expandInstance(
  config: ParsedPlantConfig,
  instance: InstanceConfig,
  index: number,
): PlantConfig['mappings'] {
  const template = config.templates.find((item) => item.id === instance.template);
  const connection = config.connections.find((item) => item.id === instance.connection);
  if (!template || !connection) return { tags: [], states: [], counters: [], alarms: [] };
  const origin: MappingOrigin = {
    template: template.id,
    instance: instance.asset,
    path: `instances[${index}]`,
  };
  const expand = <S extends TemplateSignal>(group: SignalGroup, signals: readonly S[]) =>
    signals.flatMap((signal) => {
      const read = effectiveSignal(instance, signalName(group, signal), signal);
      if (!read) return [];
      const source = sourceFor(instance, connection, read);
      const fields = withoutAddress(read);
      return [{ connection: connection.id, source, asset: instance.asset, ...fields, origin }];
    });
  return {
    tags: expand('tags', template.tags),
    states: expand('states', template.states),
    counters: expand('counters', template.counters),
    alarms: expand('alarms', template.alarms),
  };
}

function discoveryOf(instance: InstanceConfig, index: number): SparkplugDiscovery[] {
  if (!instance.discover || !instance.device) return [];
  return [
    {
      connection: instance.connection,
      asset: instance.asset,
      ...instance.device,
      path: `instances[${index}]`,
    },
  ];
}

/**
 * The configuration with every instance expanded: the file's own mappings first, then each
 * instance's in document order, every one carrying its origin; Sparkplug devices with
 * `discover: true` are listed in `sparkplugDiscovery`. An instance whose mappings are there
 * already (the configuration is one this function returned, parsed again) is not expanded twice.
 * Call it only when {@link templatingProblems} found nothing.
 */
export function expandTemplates(config: ParsedPlantConfig): PlantConfig {
  const { tags, states, counters, alarms } = config.mappings;
  // A configuration this function returned holds its instances' mappings already.
  const done = new Set(
    [...tags, ...states, ...counters, ...alarms].flatMap((mapping) =>
      mapping.origin ? [mapping.origin.path] : [],
    ),
  );
  const expanded = config.instances.map((instance, index) =>
    done.has(`instances[${index}]`)
      ? { tags: [], states: [], counters: [], alarms: [] }
      : expandInstance(config, instance, index),
  );
  return {
    ...config,
    mappings: {
      tags: [...tags, ...expanded.flatMap((mappings) => mappings.tags)],
      states: [...states, ...expanded.flatMap((mappings) => mappings.states)],
      counters: [...counters, ...expanded.flatMap((mappings) => mappings.counters)],
      alarms: [...alarms, ...expanded.flatMap((mappings) => mappings.alarms)],
      events: config.mappings.events,
    },
    sparkplugDiscovery: config.instances.flatMap(discoveryOf),
  };
}
