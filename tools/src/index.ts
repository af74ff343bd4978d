export {
  apiSchemaPath,
  composeSupergraph,
  CompositionError,
  supergraphPath,
  type ComposedGraph,
} from './compose.ts';
