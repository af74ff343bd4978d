import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '@plantgraph/tools';

describe('committed supergraph', () => {
  it('is what the current subgraphs compose to (run `npm run compose` when this fails)', async () => {
    const composed = await composeSupergraph();
    const committed = (file: string) =>
      readFileSync(new URL(`../gateway/${file}`, import.meta.url), 'utf8');
    expect(composed.supergraphSdl).toBe(committed('supergraph.graphql'));
    expect(composed.apiSchemaSdl).toBe(committed('api-schema.graphql'));
  });

  it('gives every entity one owner and lets other subgraphs extend it by key', async () => {
    const { supergraphSdl } = await composeSupergraph();
    const joins = (type: string) =>
      [
        ...new RegExp(`type ${type}\\n((?:\\s+@join__type\\([^)]*\\)\\n)+)`)
          .exec(supergraphSdl)![1]!
          .matchAll(/graph: (\w+)/g),
      ]
        .map(([, graph]) => graph!.toLowerCase())
        .sort();
    expect(joins('Asset')).toEqual(['alarms', 'assets', 'orders', 'quality', 'timeseries']);
    expect(joins('Tag')).toEqual(['assets', 'timeseries']);
  });
});
