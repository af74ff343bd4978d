import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigError } from '@plantgraph/config';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  plantConfigSchema,
  type AlarmMapping,
  type ConnectionConfig,
  type CounterMapping,
  type PlantConfig,
  type SourceConfig,
  type StateMapping,
  type TagMapping,
} from './plant-config.ts';
import { parseJsonPath } from './json-path.ts';
import { sourceMismatch } from './sources.ts';
import { expandTemplates, signalName, templatingProblems, type SignalGroup } from './templates.ts';
import { topicFilterProblem } from './topic.ts';

/** The configuration as written in the file, before defaults are applied. */
export type PlantConfigInput = z.input<typeof plantConfigSchema>;

type IssuePath = readonly PropertyKey[];
type AnyMapping = TagMapping | StateMapping | CounterMapping | AlarmMapping;

/** `mappings.tags[3].asset`: the way an operator finds the field in the file. */
export function formatConfigPath(path: IssuePath): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[\w-]+$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

const problem = (path: IssuePath, message: string) =>
  path.length === 0 ? message : `${formatConfigPath(path)}: ${message}`;

/** `at` (an already formatted place, e.g. `mappings.tags[3]`) and a field below it. */
function problemAt(at: string, path: IssuePath, message: string): string {
  const field = formatConfigPath(path);
  if (field === '') return `${at}: ${message}`;
  return `${at}${field.startsWith('[') ? '' : '.'}${field}: ${message}`;
}

/**
 * Where a mapping is in the document: `mappings.tags[3]`, or for one a template instance made,
 * the instance and the signal's name, e.g. `instances[4].tags["Motor Current"]`.
 */
function mappingPlace(group: SignalGroup, index: number, mapping: AnyMapping): string {
  if (!mapping.origin) return formatConfigPath(['mappings', group, index]);
  return `${mapping.origin.path}.${group}[${JSON.stringify(signalName(group, mapping))}]`;
}

/**
 * zod reports a failed union as one "Invalid input"; when one alternative came closest, its own
 * issues say far better what is wrong.
 */
function describeIssue(issue: z.core.$ZodIssue, base: IssuePath = []): string[] {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0)
    return [problem(path, issue.message)];
  const fewest = Math.min(...issue.errors.map((branch) => branch.length));
  const [closest, ...tied] = issue.errors.filter((branch) => branch.length === fewest);
  if (closest && tied.length === 0) return closest.flatMap((inner) => describeIssue(inner, path));
  const options = issue.errors.map((branch) =>
    branch.flatMap((inner) => describeIssue(inner)).join(', '),
  );
  return [problem(path, `expected one of: ${options.join(' | ')}`)];
}

function topicProblems(config: PlantConfig): string[] {
  return config.connections.flatMap((connection, index) =>
    connection.kind === 'mqtt'
      ? connection.topics.flatMap((topic, topicIndex) => {
          const wrong = topicFilterProblem(topic);
          return wrong ? [problem(['connections', index, 'topics', topicIndex], wrong)] : [];
        })
      : [],
  );
}

function sourceProblems(source: SourceConfig, at: string, connection?: ConnectionConfig) {
  const problems: string[] = [];
  const mismatch = connection && sourceMismatch(source, connection);
  if (mismatch) problems.push(problemAt(at, ['source'], mismatch));
  if (!('topic' in source)) return problems;
  const wrong = topicFilterProblem(source.topic);
  if (wrong) problems.push(problemAt(at, ['source', 'topic'], wrong));
  if (source.jsonPath === undefined) return problems;
  try {
    parseJsonPath(source.jsonPath);
  } catch (error) {
    problems.push(problemAt(at, ['source', 'jsonPath'], (error as Error).message));
  }
  return problems;
}

function codeProblems(mapping: StateMapping, at: string): string[] {
  return Object.keys(mapping.codes ?? {})
    .filter((code) => !/^-?\d+$/.test(code))
    .map((code) => problemAt(at, ['codes', code], 'state codes are integers'));
}

/** One tag mapped twice (two sources, say) must agree on its data type. */
function dataTypeProblems(tags: readonly TagMapping[]): string[] {
  const first = new Map<string, { dataType: string; place: string }>();
  return tags.flatMap((mapping, index) => {
    const key = `${mapping.asset}\u0000${mapping.tag}`;
    const earlier = first.get(key);
    const place = mappingPlace('tags', index, mapping);
    if (!earlier) first.set(key, { dataType: mapping.dataType, place });
    if (!earlier || earlier.dataType === mapping.dataType) return [];
    const message = `"${mapping.tag}" is ${earlier.dataType} in ${earlier.place}`;
    return [problemAt(place, ['dataType'], message)];
  });
}

/** Rules the schema cannot express because they need the connection or a parser. */
function crossFieldProblems(config: PlantConfig): string[] {
  const connections = new Map(config.connections.map((connection) => [connection.id, connection]));
  const groups = Object.entries(config.mappings) as [SignalGroup, readonly AnyMapping[]][];
  const mappingProblems = groups.flatMap(([group, mappings]) =>
    mappings.flatMap((mapping, index) => {
      const at = mappingPlace(group, index, mapping);
      return [
        ...sourceProblems(mapping.source, at, connections.get(mapping.connection)),
        ...('codes' in mapping ? codeProblems(mapping, at) : []),
      ];
    }),
  );
  return [...topicProblems(config), ...mappingProblems, ...dataTypeProblems(config.mappings.tags)];
}

const fail = (origin: string, problems: readonly string[]) =>
  new ConfigError(problems.map((text) => `${origin}: ${text}`));

/**
 * Validates an in-memory configuration and expands its template instances into mappings (see
 * templates.ts). Throws a ConfigError listing every problem, each as
 * `<origin>: <field path>: <message>`, e.g. `plant.yaml: mappings.tags[3].asset: ...`; a mapping
 * made from an instance is named by the instance, e.g. `instances[4].tags["Motor Current"]`.
 */
export function parsePlantConfig(input: unknown, origin: string): PlantConfig {
  const result = plantConfigSchema.safeParse(input);
  if (!result.success) {
    throw fail(
      origin,
      result.error.issues.flatMap((issue) => describeIssue(issue)),
    );
  }
  const issues = templatingProblems(result.data);
  if (issues.length > 0) {
    throw fail(
      origin,
      issues.map((issue) => problem(issue.path, issue.message)),
    );
  }
  const config = expandTemplates(result.data);
  const problems = crossFieldProblems(config);
  if (problems.length > 0) throw fail(origin, problems);
  return config;
}

function parseYaml(text: string, path: string): unknown {
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (document.errors.length > 0) {
    throw fail(
      path,
      document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return `line ${line}, column ${col}: ${error.message}`;
      }),
    );
  }
  return document.toJS();
}

/** Where `${NAME}` references are looked up; process.env unless a caller (a test) says otherwise. */
export type PlantConfigEnv = Readonly<Record<string, string | undefined>>;

/** `$${` (a literal `${`) or a reference; the capture is undefined when no `}` closes it. */
const REFERENCE = /\$\$\{|\$\{([^}]*)(\})?/g;
const NAME_AND_DEFAULT = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Substitutes `${NAME}` and `${NAME:-default}` in one string. A single replace pass, so a value
 * (or default) that itself contains `${...}` is taken literally rather than expanded again.
 */
function substitute(text: string, at: IssuePath, env: PlantConfigEnv, problems: string[]): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (match: string, inner?: string, closed?: string) => {
    if (match === '$${') return '${';
    if (!closed) {
      problems.push(problem(at, `"${match}" has no closing "}"`));
      return match;
    }
    const [, name, fallback] = NAME_AND_DEFAULT.exec(inner ?? '') ?? [];
    if (!name) {
      problems.push(
        problem(at, `"${match}" is not a variable reference: use \${NAME} or \${NAME:-default}`),
      );
      return match;
    }
    const value = env[name];
    // Like docker compose: `:-` also covers a variable that is set but empty.
    if (fallback !== undefined && !value) return fallback;
    if (value !== undefined) return value;
    problems.push(
      problem(at, `environment variable ${name} is not set and "${match}" has no default`),
    );
    return match;
  });
}

/** Interpolates every string value (never a key) of the parsed file. */
function interpolate(
  value: unknown,
  at: IssuePath,
  env: PlantConfigEnv,
  problems: string[],
): unknown {
  if (typeof value === 'string') return substitute(value, at, env, problems);
  if (Array.isArray(value))
    return value.map((item, index) => interpolate(item, [...at, index], env, problems));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      interpolate(item, [...at, key], env, problems),
    ]),
  );
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(path, [`invalid JSON: ${(error as Error).message}`]);
  }
}

/**
 * A document's text as data, `${NAME}` references left as written: YAML (which JSON is a subset
 * of) unless `format` says JSON. Syntax errors are a ConfigError naming the line and column.
 */
export function parsePlantConfigText(
  text: string,
  origin: string,
  format: 'yaml' | 'json' = 'yaml',
): unknown {
  return format === 'json' ? parseJson(text, origin) : parseYaml(text, origin);
}

/**
 * Turns a document (parsed, references unresolved: a file's content or a stored version) into
 * the configuration this process runs: `${NAME}` and `${NAME:-default}` resolved from `env`, then
 * validated. Problems are one ConfigError naming `origin` and each field.
 */
export function preparePlantConfig(
  document: unknown,
  origin: string,
  env: PlantConfigEnv = process.env,
): PlantConfig {
  const problems: string[] = [];
  const input = interpolate(document, [], env, problems);
  if (problems.length > 0) throw fail(origin, problems);
  return parsePlantConfig(input, origin);
}

/** Reads the file's document without resolving its references (see `loadPlantConfig`). */
export function readPlantConfigDocument(path: string): unknown {
  const extension = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension))
    throw fail(path, ['expected a .yaml, .yml or .json file']);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parsePlantConfigText(text, path, extension === '.json' ? 'json' : 'yaml');
}

/**
 * Reads the connections and mappings file: `.yaml`/`.yml` as YAML, `.json` as JSON. String values
 * may use `${NAME}` and `${NAME:-default}` (as in docker compose), so one file serves hosts whose
 * addresses differ; `$${` is a literal `${`. Any problem (unreadable file, syntax, an unset
 * variable, schema) is a ConfigError naming the file and the field, so the process refuses to
 * start with a message that says what to fix.
 */
export function loadPlantConfig(path: string, env: PlantConfigEnv = process.env): PlantConfig {
  return preparePlantConfig(readPlantConfigDocument(path), path, env);
}
