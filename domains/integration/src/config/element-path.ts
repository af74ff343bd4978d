import { isPlainObject } from './json-path.ts';

/**
 * Picking one scalar out of an OPC UA array or structure value: `index` selects an element of an
 * array, `field` a field of a structure, as a dotted path into nested structures that may index
 * arrays on the way (`Axis.X`, `Axes[2].Position`). With both, the index applies first: an array
 * of structures, then a field of the chosen element.
 */
export interface ElementSelector {
  index?: number;
  field?: string;
}

export type FieldPath = readonly (string | number)[];

const FIELD_STEP = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** The steps of a field path; throws with a readable message when it is malformed. */
export function parseFieldPath(text: string): FieldPath {
  if (text.trim() === '') throw new Error('empty field path');
  return text.split('.').flatMap((part) => {
    const match = FIELD_STEP.exec(part);
    if (!match) throw new Error(`cannot read "${part}" in "${text}"`);
    const [, name = '', indexes = ''] = match;
    const numbers = [...indexes.matchAll(/\[(\d+)\]/g)].map(([, digits]) => Number(digits));
    return [name, ...numbers];
  });
}

/** Whether `text` is a field path; the configuration schema checks fields with it. */
export function isFieldPath(text: string): boolean {
  try {
    parseFieldPath(text);
    return true;
  } catch {
    return false;
  }
}

export type Picked = { value: unknown } | { reason: string };

/**
 * The element `selector` names, or why there is none: an index past the end of the array or a
 * field the structure does not have is named in the reason, with what there is instead.
 */
export function pickElement(value: unknown, selector: ElementSelector): Picked {
  let current = value;
  if (selector.index !== undefined) {
    const step = stepInto(current, selector.index, 'the value');
    if ('reason' in step) return { reason: `index ${selector.index}: ${step.reason}` };
    current = step.value;
  }
  if (selector.field === undefined) return { value: current };
  const path = parseFieldPath(selector.field);
  let where = selector.index === undefined ? 'the value' : `element ${selector.index}`;
  for (const step of path) {
    const next = stepInto(current, step, where);
    if ('reason' in next) return { reason: `field "${selector.field}": ${next.reason}` };
    current = next.value;
    where = typeof step === 'number' ? `${where}[${step}]` : `"${step}"`;
  }
  return { value: current };
}

function stepInto(value: unknown, step: string | number, where: string): Picked {
  if (typeof step === 'number') {
    if (!Array.isArray(value)) return { reason: `${where} is not an array` };
    if (step >= value.length) {
      return { reason: `${where} has ${value.length} elements, no index ${step}` };
    }
    return { value: value[step] };
  }
  if (!isPlainObject(value)) return { reason: `${where} is not a structure` };
  if (!Object.hasOwn(value, step)) {
    const fields = Object.keys(value).join(', ') || 'none';
    return { reason: `${where} has no field "${step}" (fields: ${fields})` };
  }
  return { value: value[step] };
}
