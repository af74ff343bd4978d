/**
 * The error family (codes, PlantgraphError and its subclasses, fromDatabaseError) lives in
 * @plantgraph/errors, shared with the gateway; the kit's modules and the subgraphs reach it here.
 */
export * from '@plantgraph/errors';
