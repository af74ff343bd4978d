/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ErpMachines {\n    assets(kind: EQUIPMENT, first: 1000) {\n      edges {\n        node {\n          id\n          path\n          activeOrder {\n            number\n          }\n          orderDownload {\n            parameters {\n              name\n              unit\n              min\n              max\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ErpMachinesDocument,
    "\n  mutation ErpCreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n    }\n  }\n": typeof types.ErpCreateOrderDocument,
    "\n  mutation ErpReleaseOrder($id: ID!) {\n    releaseOrder(id: $id) {\n      status\n    }\n  }\n": typeof types.ErpReleaseOrderDocument,
    "\n  mutation ErpDownloadOrder($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {\n    downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {\n      status\n    }\n  }\n": typeof types.ErpDownloadOrderDocument,
    "\n  subscription ErpOrderStatusChanged($orderIds: [ID!]) {\n    orderStatusChanged(orderIds: $orderIds) {\n      from\n      to\n      reason\n      actor\n      changedAt\n      order {\n        number\n        failureReason\n        progress {\n          good\n          reject\n          remaining\n        }\n      }\n    }\n  }\n": typeof types.ErpOrderStatusChangedDocument,
};
const documents: Documents = {
    "\n  query ErpMachines {\n    assets(kind: EQUIPMENT, first: 1000) {\n      edges {\n        node {\n          id\n          path\n          activeOrder {\n            number\n          }\n          orderDownload {\n            parameters {\n              name\n              unit\n              min\n              max\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ErpMachinesDocument,
    "\n  mutation ErpCreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n    }\n  }\n": types.ErpCreateOrderDocument,
    "\n  mutation ErpReleaseOrder($id: ID!) {\n    releaseOrder(id: $id) {\n      status\n    }\n  }\n": types.ErpReleaseOrderDocument,
    "\n  mutation ErpDownloadOrder($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {\n    downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {\n      status\n    }\n  }\n": types.ErpDownloadOrderDocument,
    "\n  subscription ErpOrderStatusChanged($orderIds: [ID!]) {\n    orderStatusChanged(orderIds: $orderIds) {\n      from\n      to\n      reason\n      actor\n      changedAt\n      order {\n        number\n        failureReason\n        progress {\n          good\n          reject\n          remaining\n        }\n      }\n    }\n  }\n": types.ErpOrderStatusChangedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErpMachines {\n    assets(kind: EQUIPMENT, first: 1000) {\n      edges {\n        node {\n          id\n          path\n          activeOrder {\n            number\n          }\n          orderDownload {\n            parameters {\n              name\n              unit\n              min\n              max\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErpMachines {\n    assets(kind: EQUIPMENT, first: 1000) {\n      edges {\n        node {\n          id\n          path\n          activeOrder {\n            number\n          }\n          orderDownload {\n            parameters {\n              name\n              unit\n              min\n              max\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ErpCreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ErpCreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ErpReleaseOrder($id: ID!) {\n    releaseOrder(id: $id) {\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ErpReleaseOrder($id: ID!) {\n    releaseOrder(id: $id) {\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ErpDownloadOrder($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {\n    downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ErpDownloadOrder($orderId: ID!, $equipmentId: ID!, $expiresAt: DateTime) {\n    downloadOrder(orderId: $orderId, equipmentId: $equipmentId, expiresAt: $expiresAt) {\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ErpOrderStatusChanged($orderIds: [ID!]) {\n    orderStatusChanged(orderIds: $orderIds) {\n      from\n      to\n      reason\n      actor\n      changedAt\n      order {\n        number\n        failureReason\n        progress {\n          good\n          reject\n          remaining\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ErpOrderStatusChanged($orderIds: [ID!]) {\n    orderStatusChanged(orderIds: $orderIds) {\n      from\n      to\n      reason\n      actor\n      changedAt\n      order {\n        number\n        failureReason\n        progress {\n          good\n          reject\n          remaining\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;