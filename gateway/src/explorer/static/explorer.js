/* global window, document, location, fetch, URL, React, ReactDOM, GraphiQL, graphqlWs */
/**
 * The gateway's explorer (gateway/src/explorer): GraphiQL over the gateway's own endpoint.
 * Queries and mutations are POSTed to /graphql with the headers of the Headers tab; subscriptions
 * go over graphql-ws on the same URL, those headers becoming the connection_init payload, which
 * is where the gateway reads a socket's credentials (docs/subscriptions.md).
 */
(function () {
  'use strict';

  // GraphiQL's dialogs insert <style> elements; the page's policy admits them by this nonce,
  // which their library reads from this global.
  window.__webpack_nonce__ = document.currentScript.dataset.styleNonce;

  const httpUrl = new URL('/graphql', location.href).href;
  const socketUrl = httpUrl.replace(/^http/, 'ws');

  const DEFAULT_HEADERS = '{\n  "Authorization": "Bearer "\n}';
  const DEFAULT_QUERY = `# Put an API key or token after "Bearer" in Headers, then run.
query Assets {
  assets(first: 5) {
    totalCount
    edges {
      node {
        id
        name
        path
      }
    }
  }
}
`;

  const failure = (message) => ({ errors: [{ message }] });

  /** Header names in lower case, as HTTP treats them and the gateway's socket reads them. */
  function lowerCased(headers) {
    const result = {};
    for (const [name, value] of Object.entries(headers || {})) {
      if (typeof value === 'string') result[name.toLowerCase()] = value;
    }
    return result;
  }

  function hasCredentials(headers) {
    return (
      /^Bearer\s+\S/i.test(headers.authorization || '') ||
      (headers['x-api-key'] || '').trim() !== ''
    );
  }

  function isSubscription(params, documentAST) {
    const operations = ((documentAST && documentAST.definitions) || []).filter(
      (definition) => definition.kind === 'OperationDefinition',
    );
    const chosen = params.operationName
      ? operations.find(
          (operation) => operation.name && operation.name.value === params.operationName,
        )
      : operations[0];
    return Boolean(chosen && chosen.operation === 'subscription');
  }

  async function post(params, headers) {
    const response = await fetch(httpUrl, {
      method: 'POST',
      credentials: 'omit',
      headers: {
        ...headers,
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify(params),
    });
    try {
      return await response.json();
    } catch {
      return failure(`The gateway answered HTTP ${response.status} without a GraphQL result`);
    }
  }

  // One socket for the credentials in use; other credentials open another.
  let socket = null;

  function socketFor(headers) {
    const key = JSON.stringify(headers);
    if (socket && socket.key === key) return socket.client;
    if (socket) socket.client.dispose();
    const client = graphqlWs.createClient({
      url: socketUrl,
      connectionParams: headers,
      // A refused or dropped socket shows as an error; running the subscription again reconnects.
      retryAttempts: 0,
    });
    socket = { key, client };
    return client;
  }

  function describe(error) {
    if (Array.isArray(error)) return { errors: error };
    if (error && typeof error.code === 'number') {
      const reason =
        error.code === 4403 ? 'the credentials were refused' : error.reason || 'closed';
      return failure(`The subscription socket closed (${error.code}): ${reason}`);
    }
    return failure(error instanceof Error ? error.message : String(error));
  }

  async function* subscribe(params, headers) {
    // The acknowledgement ({"extensions": {"subscribed": true}}) shows the subscription is live
    // before its first event.
    const payload = { ...params, extensions: { ...params.extensions, acknowledge: true } };
    try {
      yield* socketFor(headers).iterate(payload);
    } catch (error) {
      yield describe(error);
    }
  }

  function fetcher(params, options) {
    const headers = lowerCased(options && options.headers);
    if (!hasCredentials(headers)) {
      return Promise.resolve(
        failure(
          'Put an API key or token in Headers: {"Authorization": "Bearer <key or token>"}, ' +
            'then run the operation or re-fetch the schema.',
        ),
      );
    }
    if (isSubscription(params, options && options.documentAST)) return subscribe(params, headers);
    return post(params, headers);
  }

  ReactDOM.createRoot(document.getElementById('explorer')).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: DEFAULT_HEADERS,
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      // Credentials stay in this tab's memory, never in the browser's storage.
      shouldPersistHeaders: false,
    }),
  );
})();
