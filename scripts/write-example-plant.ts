/**
 * Writes examples/demo-plant.yaml: the demo plant's connections and mappings, which `npm start`
 * builds in code (demoPlantConfig), as a file for a connectors process of its own.
 *
 *   npm run example:plant
 *
 * Run it after changing the demo catalog; packages/demo-catalog/src/demo-plant-config.test.ts
 * fails while the file and the built-in configuration differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPlantConfig } from '@plantgraph/demo-catalog';
import { format, resolveConfig } from 'prettier';
import { Document, isCollection, isMap, isScalar, isSeq, visit } from 'yaml';

const TARGET = fileURLToPath(new URL('../examples/demo-plant.yaml', import.meta.url));
/** The simulator on this host, as `npm start` and the plant simulator serve it. */
const LOCAL_ENDPOINT = 'opc.tcp://127.0.0.1:4840/plantgraph';

const HEADER = `# The demo plant's connections and mappings (demoPlantConfig in
# packages/demo-catalog/src/demo-plant-config.ts) as a file, for a connectors process of its own
# that runs the demo plant against the plant simulator.
#
# Generated: do not edit. Regenerate with \`npm run example:plant\` (scripts/write-example-plant.ts);
# packages/demo-catalog/src/demo-plant-config.test.ts checks that it equals the built-in one.
#
# Run it from the repository root with a broker on 127.0.0.1:1883 and DATABASE_URL naming a
# PostgreSQL database that holds the demo plant (npm run db:migrate, then npm run db:seed):
#   MQTT_URL=mqtt://127.0.0.1:1883 npm run plantgraph -- simulator
#   PLANTGRAPH_CONFIG=examples/demo-plant.yaml MQTT_URL=mqtt://127.0.0.1:1883 \\
#     npm run plantgraph -- connectors
# or everything in one process: PLANTGRAPH_CONFIG=examples/demo-plant.yaml npm start
#
# The OPC UA endpoint is PLANTGRAPH_OPCUA_ENDPOINT, by default the simulator on this host (in
# docker compose: opc.tcp://simulator:4840/plantgraph). The MQTT connections have no url: they
# use the platform bus, MQTT_URL, which the connectors process then requires.
`;

/** Comments above keys: what each list holds, and why the less obvious settings are there. */
const COMMENTS: Record<string, string> = {
  connections: ' Dresden over OPC UA; Lyon machining over Sparkplug B, its paint shop as UNS JSON.',
  exclude: " The machines' order interfaces (download, ack, progress) are not signals.",
  downloads: ' Order interfaces: the Order folder over OPC UA, the order topic in UNS JSON.',
  templates:
    " One template per machine type and protocol; {prefix} in an address is the instance's prefix.",
  tags: ' Every catalog tag of the type, under the names and data types the seed gives them.',
  states: ' The PLC state code word: code → machine state (and reason).',
  counters: ' GoodCount and RejectCount, running totals.',
  alarms: ' The alarm word: one alarm per bit.',
  // Prettier would break each instance over several lines; one line per machine reads as a list.
  instances:
    ' One machine per line: its template, asset and connection, and where its signals are.\n' +
    ' prettier-ignore',
};
/** Lists with one block per machine (or template), set apart by blank lines. */
const PER_MACHINE = new Set(['downloads', 'templates', 'tags', 'states', 'counters', 'alarms']);
/** Values that read best on one line when they fit: sources, topic filters. */
const ONE_LINE = new Set(['source', 'topics', 'exclude', 'discovery']);
/** Lists and maps whose entries each read best on one line: `{ state: DOWN, reason: JAM }`. */
const ONE_LINE_ENTRIES = new Set(['codes', 'parameters']);
/** Lists whose entries are one line each if all of them fit, so a list never mixes the styles. */
const ONE_LINE_IF_ALL_FIT = new Set(['counters']);
/** Lists whose entries are one line each whatever their length. */
const ONE_LINE_ALWAYS = new Set(['instances']);
const WIDTH = 100;

/** A node as YAML, on one line if it is a flow collection; keys as `'100'` count their quotes. */
const printed = (node: unknown) => new Document(node).toString({ lineWidth: 0 }).trimEnd();

/**
 * Puts `node` on one line when there is room from `column` (where it would start), the way one
 * writes `{ nodeId: … }` by hand; otherwise keeps it a block whose entries start at `indent` and
 * tries the same for each of them (the `sparkplug: { … }` inside a source). Prettier would
 * instead break an over-long flow collection into a brace block over several lines.
 */
function compact(node: unknown, column: number, indent: number): void {
  if (!isCollection(node)) return;
  node.flow = true;
  if (column + printed(node).length <= WIDTH) return;
  node.flow = false;
  compactEntries(node, indent);
}

function compactEntries(node: unknown, indent: number): void {
  if (isSeq(node)) for (const item of node.items) compact(item, indent + 2, indent + 2);
  if (isMap(node))
    for (const { key, value } of node.items)
      compact(value, indent + printed(key).length + 2, indent + 2);
}

/** Each entry of a list on one line, if every one fits (at `indent`, after its "- "). */
function compactEntriesIfAllFit(node: unknown, indent: number): void {
  if (!isSeq(node)) return;
  const items = node.items.filter(isCollection);
  for (const item of items) item.flow = true;
  if (items.every((item) => indent + 2 + printed(item).length <= WIDTH)) return;
  for (const item of items) item.flow = false;
}

/** Each entry of a list on one line, however long (Prettier is told to leave it alone). */
function flowEntries(node: unknown): void {
  if (isSeq(node)) for (const item of node.items) if (isCollection(item)) item.flow = true;
}

function render(): string {
  // Without url the MQTT connections use the platform bus; an explicit one would pin a broker.
  const config = demoPlantConfig({
    opcuaEndpoint: `\${PLANTGRAPH_OPCUA_ENDPOINT:-${LOCAL_ENDPOINT}}`,
  });
  // Objects used twice would become anchors named a1, a2, …: harder to read than the repetition.
  const document = new Document(config, { aliasDuplicateObjects: false });
  const commented = new Set<string>();
  visit(document, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      // Block indentation is two columns per enclosing collection (a list item's "- " included).
      const column = 2 * (path.filter(isCollection).length - 1);
      if (ONE_LINE.has(key)) compact(pair.value, column + key.length + 2, column + 2);
      if (ONE_LINE_ENTRIES.has(key)) compactEntries(pair.value, column + 2);
      if (ONE_LINE_IF_ALL_FIT.has(key)) compactEntriesIfAllFit(pair.value, column + 2);
      if (ONE_LINE_ALWAYS.has(key)) flowEntries(pair.value);
      // Said once, above the first template's tags, not again in every template.
      const comment = COMMENTS[key];
      if (comment && !commented.has(key)) pair.key.commentBefore = comment;
      commented.add(key);
      if (column === 0 || PER_MACHINE.has(key)) pair.key.spaceBefore = true;
      if (PER_MACHINE.has(key) && isSeq(pair.value)) {
        const assetOf = (node: unknown) => (isMap(node) ? node.get('asset') : undefined);
        pair.value.items.forEach((item, index, items) => {
          const apart = key === 'templates' || assetOf(item) !== assetOf(items[index - 1]);
          if (index > 0 && isMap(item) && apart) item.spaceBefore = true;
        });
      }
    },
  });
  return `${HEADER}${document.toString({ lineWidth: 0 })}`;
}

// Written as Prettier would, so `npm run lint` (prettier --check) passes on a fresh file.
const text = await format(render(), { ...(await resolveConfig(TARGET)), filepath: TARGET });
mkdirSync(dirname(TARGET), { recursive: true });
writeFileSync(TARGET, text);
console.log(`wrote ${TARGET}: ${text.split('\n').length - 1} lines`);
