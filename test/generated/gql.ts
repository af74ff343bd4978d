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
    "\n  query PlantOverview {\n    assets(kind: EQUIPMENT, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          path\n          tags {\n            name\n            latest {\n              time\n              value\n            }\n          }\n          state {\n            state\n            since\n          }\n          orders {\n            number\n            status\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n          }\n        }\n      }\n    }\n  }\n": typeof types.PlantOverviewDocument,
    "\n  query OversizedPage {\n    assets(first: 100000) {\n      totalCount\n    }\n  }\n": typeof types.OversizedPageDocument,
    "\n  mutation CreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n      asset {\n        id\n        name\n        activeAlarms {\n          code\n        }\n      }\n    }\n  }\n": typeof types.CreateOrderDocument,
    "\n  query OrdersOfAsset($id: ID!) {\n    asset(id: $id) {\n      orders(status: CREATED) {\n        number\n      }\n    }\n  }\n": typeof types.OrdersOfAssetDocument,
    "\n  query Platform {\n    platform {\n      version\n      storage\n      timescale\n      migrations {\n        name\n      }\n    }\n  }\n": typeof types.PlatformDocument,
    "\n  query NestedAssets($first: Int!) {\n    assets(kind: EQUIPMENT, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          parent {\n            name\n          }\n          ancestors {\n            name\n          }\n          children {\n            name\n          }\n          descendants {\n            name\n          }\n          tags {\n            name\n            asset {\n              name\n            }\n            latest {\n              time\n              value\n            }\n            history(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          state {\n            state\n            since\n          }\n          stateHistory {\n            state\n          }\n          orders {\n            number\n            statusHistory {\n              to\n            }\n            measurements(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          activeOrder {\n            number\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n                characteristic {\n                  name\n                }\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n            asset {\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.NestedAssetsDocument,
};
const documents: Documents = {
    "\n  query PlantOverview {\n    assets(kind: EQUIPMENT, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          path\n          tags {\n            name\n            latest {\n              time\n              value\n            }\n          }\n          state {\n            state\n            since\n          }\n          orders {\n            number\n            status\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n          }\n        }\n      }\n    }\n  }\n": types.PlantOverviewDocument,
    "\n  query OversizedPage {\n    assets(first: 100000) {\n      totalCount\n    }\n  }\n": types.OversizedPageDocument,
    "\n  mutation CreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n      asset {\n        id\n        name\n        activeAlarms {\n          code\n        }\n      }\n    }\n  }\n": types.CreateOrderDocument,
    "\n  query OrdersOfAsset($id: ID!) {\n    asset(id: $id) {\n      orders(status: CREATED) {\n        number\n      }\n    }\n  }\n": types.OrdersOfAssetDocument,
    "\n  query Platform {\n    platform {\n      version\n      storage\n      timescale\n      migrations {\n        name\n      }\n    }\n  }\n": types.PlatformDocument,
    "\n  query NestedAssets($first: Int!) {\n    assets(kind: EQUIPMENT, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          parent {\n            name\n          }\n          ancestors {\n            name\n          }\n          children {\n            name\n          }\n          descendants {\n            name\n          }\n          tags {\n            name\n            asset {\n              name\n            }\n            latest {\n              time\n              value\n            }\n            history(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          state {\n            state\n            since\n          }\n          stateHistory {\n            state\n          }\n          orders {\n            number\n            statusHistory {\n              to\n            }\n            measurements(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          activeOrder {\n            number\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n                characteristic {\n                  name\n                }\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n            asset {\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.NestedAssetsDocument,
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
export function graphql(source: "\n  query PlantOverview {\n    assets(kind: EQUIPMENT, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          path\n          tags {\n            name\n            latest {\n              time\n              value\n            }\n          }\n          state {\n            state\n            since\n          }\n          orders {\n            number\n            status\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PlantOverview {\n    assets(kind: EQUIPMENT, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          name\n          path\n          tags {\n            name\n            latest {\n              time\n              value\n            }\n          }\n          state {\n            state\n            since\n          }\n          orders {\n            number\n            status\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OversizedPage {\n    assets(first: 100000) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query OversizedPage {\n    assets(first: 100000) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n      asset {\n        id\n        name\n        activeAlarms {\n          code\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateOrder($input: CreateProductionOrderInput!) {\n    createProductionOrder(input: $input) {\n      id\n      number\n      status\n      asset {\n        id\n        name\n        activeAlarms {\n          code\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OrdersOfAsset($id: ID!) {\n    asset(id: $id) {\n      orders(status: CREATED) {\n        number\n      }\n    }\n  }\n"): (typeof documents)["\n  query OrdersOfAsset($id: ID!) {\n    asset(id: $id) {\n      orders(status: CREATED) {\n        number\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Platform {\n    platform {\n      version\n      storage\n      timescale\n      migrations {\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query Platform {\n    platform {\n      version\n      storage\n      timescale\n      migrations {\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NestedAssets($first: Int!) {\n    assets(kind: EQUIPMENT, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          parent {\n            name\n          }\n          ancestors {\n            name\n          }\n          children {\n            name\n          }\n          descendants {\n            name\n          }\n          tags {\n            name\n            asset {\n              name\n            }\n            latest {\n              time\n              value\n            }\n            history(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          state {\n            state\n            since\n          }\n          stateHistory {\n            state\n          }\n          orders {\n            number\n            statusHistory {\n              to\n            }\n            measurements(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          activeOrder {\n            number\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n                characteristic {\n                  name\n                }\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n            asset {\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NestedAssets($first: Int!) {\n    assets(kind: EQUIPMENT, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          parent {\n            name\n          }\n          ancestors {\n            name\n          }\n          children {\n            name\n          }\n          descendants {\n            name\n          }\n          tags {\n            name\n            asset {\n              name\n            }\n            latest {\n              time\n              value\n            }\n            history(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          state {\n            state\n            since\n          }\n          stateHistory {\n            state\n          }\n          orders {\n            number\n            statusHistory {\n              to\n            }\n            measurements(first: 2) {\n              edges {\n                node {\n                  value\n                }\n              }\n            }\n          }\n          activeOrder {\n            number\n          }\n          measurements(first: 3) {\n            edges {\n              node {\n                value\n                inSpec\n                characteristic {\n                  name\n                }\n              }\n            }\n          }\n          activeAlarms {\n            code\n            severity\n            asset {\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;