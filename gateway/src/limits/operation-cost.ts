import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * How much an operation may ask for at worst. Every field costs 1; a list multiplies the cost of
 * what is selected in it by how many items it may return: the page size (`first`) for paginated
 * fields, `defaultListSize` for plain lists. A columnar page (`columnarPages`) holds its items as
 * lists of plain values, one per column; each value there costs `columnarValueCost`.
 */
export interface CostModel {
  /** Items assumed for a paginated field without `first`; the subgraphs' default page size. */
  defaultPageSize: number;
  /** Items assumed for a list without a page argument (an asset's tags, its children, ...). */
  defaultListSize: number;
  /** The largest page counted; the subgraphs refuse larger ones (BAD_USER_INPUT) anyway. */
  maxPageSize: number;
  /** Fields answering a page column by column, as `Type.field`. */
  columnarPages: readonly string[];
  /** The largest columnar page counted; the subgraph refuses larger ones. */
  maxColumnarPageSize: number;
  /**
   * Cost of one value in a columnar page's column: a value in an array costs the subgraph and the
   * gateway far less than a field of an object per item.
   */
  columnarValueCost: number;
}

export const DEFAULT_COST_MODEL: CostModel = {
  defaultPageSize: 50,
  defaultListSize: 10,
  maxPageSize: 1000,
  // A full page of 100,000 samples with three columns costs about 30,000 of the 100,000 allowed.
  columnarPages: ['Tag.historyFrame'],
  maxColumnarPageSize: 100_000,
  columnarValueCost: 0.1,
};

/** The argument that sets the page size of a paginated field (Relay connections). */
const PAGE_ARGUMENT = 'first';

export interface OperationMeasure {
  /** Deepest nesting of fields; a top-level field is depth 1. */
  depth: number;
  /** Worst-case number of fields resolved, lists multiplied out. */
  cost: number;
}

export interface MeasureRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  /** The request's variables; a page size given as a variable is counted at its value. */
  variables?: Readonly<Record<string, unknown>> | null;
  costModel?: CostModel;
}

/**
 * Depth and cost of the operation `operationName` of a validated document. Introspection fields
 * (`__schema`, `__type`, `__typename`) are free: the schema is not the plant's data, and Apollo
 * Sandbox's introspection query is deeper than any sensible depth limit.
 */
export function measureOperation(request: MeasureRequest): OperationMeasure {
  const { schema, document, costModel = DEFAULT_COST_MODEL } = request;
  const operation = getOperationAST(document, request.operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return { depth: 0, cost: 0 };
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    request.variables ?? {},
  );
  // Invalid variables fail execution with their own error; count their fields at the defaults.
  const variables = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }

  const pageSize = (
    field: GraphQLField<unknown, unknown>,
    node: FieldNodeOf,
    columnar: boolean,
  ): number | undefined => {
    if (!field.args.some((argument) => argument.name === PAGE_ARGUMENT)) return undefined;
    let first: unknown;
    try {
      first = getArgumentValues(field, node, variables)[PAGE_ARGUMENT];
    } catch {
      first = undefined;
    }
    if (typeof first !== 'number') return costModel.defaultPageSize;
    const max = columnar ? costModel.maxColumnarPageSize : costModel.maxPageSize;
    return Math.min(Math.max(first, 0), max);
  };

  /**
   * Depth and cost of a selection set on `type`. `page` is the page size of the paginated field
   * the set belongs to: its list fields (a connection's `edges`) hold that many items. In a
   * `columnar` page, its lists of plain values are the columns.
   */
  const measure = (
    selectionSet: SelectionSetNode,
    type: GraphQLCompositeType,
    page: number | undefined,
    visiting: ReadonlySet<string>,
    columnar = false,
  ): OperationMeasure => {
    let depth = 0;
    let cost = 0;
    const add = (inner: OperationMeasure) => {
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = 'getFields' in type ? type.getFields()[name] : undefined;
        if (name.startsWith('__') || !field) continue;
        const fieldType = getNullableType(field.type);
        const columnarPage = costModel.columnarPages.includes(`${type.name}.${name}`);
        const ownPage = pageSize(field, selection, columnarPage);
        const named = getNamedType(fieldType);
        const inner =
          selection.selectionSet && isCompositeType(named)
            ? measure(
                selection.selectionSet,
                named,
                isListType(fieldType) ? undefined : ownPage,
                visiting,
                columnarPage,
              )
            : { depth: 0, cost: 0 };
        const items = isListType(fieldType) ? (ownPage ?? page ?? costModel.defaultListSize) : 1;
        const column = columnar && isListType(fieldType) && !isCompositeType(named);
        const cost = column
          ? 1 + Math.ceil(items * costModel.columnarValueCost)
          : 1 + items * inner.cost;
        add({ depth: inner.depth + 1, cost });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition =
          selection.typeCondition && schema.getType(selection.typeCondition.name.value);
        const on = condition && isCompositeType(condition) ? condition : type;
        add(measure(selection.selectionSet, on, page, visiting, columnar));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        // A cycle is a validation error already; it must not recurse forever here.
        if (!fragment || visiting.has(name) || !condition || !isCompositeType(condition)) continue;
        add(
          measure(fragment.selectionSet, condition, page, new Set([...visiting, name]), columnar),
        );
      }
    }
    return { depth, cost };
  };

  return measure(operation.selectionSet, root, undefined, new Set());
}

type FieldNodeOf = Parameters<typeof getArgumentValues>[1];
