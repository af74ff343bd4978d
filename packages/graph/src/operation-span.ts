import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { failSpan, tracingActive } from '@plantgraph/service';

/**
 * Names the operation on the request's span (`serverSpans`), in OpenTelemetry's GraphQL
 * conventions, and marks the span failed when the operation ends with errors. Fields get no spans
 * of their own: the SQL they cause does (`Sql`), which is where a subgraph's time goes.
 */
export function operationSpanPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      if (!tracingActive()) return Promise.resolve(undefined);
      const span = trace.getActiveSpan();
      if (!span) return Promise.resolve(undefined);
      return Promise.resolve({
        didResolveOperation({ operationName, operation }) {
          span.setAttributes({
            ...(operation ? { 'graphql.operation.type': operation.operation } : {}),
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
          });
          return Promise.resolve();
        },
        didEncounterErrors({ errors }) {
          const [first] = errors;
          if (first) failSpan(span, first);
          return Promise.resolve();
        },
      });
    },
  };
}
