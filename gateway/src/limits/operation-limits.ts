import type { ApolloServerPlugin } from '@apollo/server';
import { LimitError } from '@plantgraph/errors';
import { measureOperation, type CostModel, type MeasureRequest } from './operation-cost.ts';

export interface OperationLimits {
  /** Deepest field nesting an operation may have. */
  maxDepth: number;
  /** Highest worst-case cost (see CostModel) an operation may have. */
  maxCost: number;
  costModel: CostModel;
}

/**
 * The limits an operation breaks, as QUERY_TOO_COMPLEX errors stating the measured value and the
 * limit (`extensions.depth` or `extensions.cost`, and `extensions.limit`); empty when it keeps them.
 */
export function checkOperationLimits(
  request: Omit<MeasureRequest, 'costModel'>,
  limits: OperationLimits,
): LimitError[] {
  const { depth, cost } = measureOperation({ ...request, costModel: limits.costModel });
  const errors: LimitError[] = [];
  if (depth > limits.maxDepth) {
    errors.push(
      new LimitError(
        'QUERY_TOO_COMPLEX',
        `Query depth ${depth} exceeds the limit ${limits.maxDepth}`,
        { depth, limit: limits.maxDepth },
      ),
    );
  }
  if (cost > limits.maxCost) {
    errors.push(
      new LimitError(
        'QUERY_TOO_COMPLEX',
        `Query cost ${cost} exceeds the limit ${limits.maxCost}`,
        {
          cost,
          limit: limits.maxCost,
        },
      ),
    );
  }
  return errors;
}

/**
 * Refuses operations over the depth or cost limit after validation against the API schema and
 * before the gateway plans them, with HTTP status 400. Apollo Server sends one error from this
 * hook, so the first limit broken is the one reported.
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const [error] = checkOperationLimits(
            { schema, document, operationName, variables: request.variables },
            limits,
          );
          if (!error) return;
          // `extensions.http` sets the response's status; Apollo Server strips it from the body.
          throw new LimitError(error.code, error.message, {
            ...error.extensions,
            http: { status: error.httpStatus },
          });
        },
      };
    },
  };
}
