/**
 * A tiny path into a JSON payload: `value`, `a.b.c`, `$.a.b[0]` or `$['a b'].c`. Enough to pick
 * a reading out of a UNS message without pulling in a JSONPath library.
 */
export type JsonPath = readonly (string | number)[];

const SEGMENT = /^(?:\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** Splits a path into keys and indexes; throws with a readable message when it is malformed. */
export function parseJsonPath(text: string): JsonPath {
  let rest = text.trim();
  if (rest === '') throw new Error('empty path');
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (rest !== '' && !rest.startsWith('[')) rest = `.${rest}`;
  const path: (string | number)[] = [];
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (!match) throw new Error(`cannot read "${rest}" in "${text}"`);
    const [whole, key, index, single, double] = match;
    path.push(index !== undefined ? Number(index) : (key ?? single ?? double ?? ''));
    rest = rest.slice(whole.length);
  }
  return path;
}

/** The value at `path`, or undefined when any step is missing or of the wrong kind. */
export function readJsonPath(payload: unknown, path: JsonPath): unknown {
  let current = payload;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isPlainObject(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
