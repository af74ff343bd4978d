/**
 * The prebuilt browser files of npm packages the explorer page loads. From source they are read
 * in node_modules; the build copies them beside its output (`gateway/src/explorer/vendor/`), so
 * that the deployable needs none of these packages installed: GraphiQL alone would bring about
 * a hundred packages its browser bundle does not use.
 *
 * React 18 because GraphiQL 4's prebuilt bundle is the last there is and needs it; React 19 ships
 * no browser bundle. graphql-ws's own browser bundle carries subscriptions.
 */
export const VENDOR_FILES = [
  { name: 'react.js', type: 'js', package: 'react', path: 'umd/react.production.min.js' },
  {
    name: 'react-dom.js',
    type: 'js',
    package: 'react-dom',
    path: 'umd/react-dom.production.min.js',
  },
  { name: 'graphiql.js', type: 'js', package: 'graphiql', path: 'graphiql.min.js' },
  { name: 'graphiql.css', type: 'css', package: 'graphiql', path: 'graphiql.min.css' },
  { name: 'graphql-ws.js', type: 'js', package: 'graphql-ws', path: 'umd/graphql-ws.min.js' },
] as const;

/** Where the build puts them, relative to the repository (and to dist/). */
export const VENDOR_DIRECTORY = 'gateway/src/explorer/vendor';
