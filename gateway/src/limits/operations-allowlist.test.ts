import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LimitError } from '@plantgraph/errors';
import {
  AllowListError,
  allowListOf,
  operationHash,
  OperationsAllowList,
} from './operations-allowlist.ts';

const listed = '{ platform { version } }';
const other = '{ platform { storage } }';
const allowList = new OperationsAllowList({ [operationHash(listed)]: listed });
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

describe('OperationsAllowList', () => {
  it('admits listed text, by itself or with its hash', () => {
    expect(allowList.admit({ query: listed })).toBe(listed);
    expect(allowList.admit({ query: listed, extensions: persisted(operationHash(listed)) })).toBe(
      listed,
    );
  });

  it('fills in the text of a listed hash sent alone', () => {
    expect(allowList.admit({ extensions: persisted(operationHash(listed)) })).toBe(listed);
    expect(allowList.admit({ query: '', extensions: persisted(operationHash(listed)) })).toBe(
      listed,
    );
  });

  it('refuses unlisted text and unlisted hashes with PERSISTED_QUERY_NOT_ALLOWED', () => {
    for (const reference of [
      { query: other },
      { extensions: persisted(operationHash(other)) },
      // The text decides, not a listed hash sent beside it.
      { query: other, extensions: persisted(operationHash(listed)) },
    ]) {
      const refusal = allowList.admit(reference);
      expect(refusal).toBeInstanceOf(LimitError);
      expect((refusal as LimitError).extensions).toMatchObject({
        code: 'PERSISTED_QUERY_NOT_ALLOWED',
      });
    }
  });

  it('leaves requests naming no operation to the server', () => {
    expect(allowList.admit({})).toBeUndefined();
  });

  it('loads a file and refuses entries whose hash is not their text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allowlist-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ [operationHash(listed)]: listed }));
    expect(OperationsAllowList.load(good).size).toBe(1);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ [operationHash(other)]: listed }));
    expect(() => OperationsAllowList.load(wrong)).toThrow(AllowListError);
    const notAList = join(dir, 'not-a-list.json');
    writeFileSync(notAList, JSON.stringify({ 'not a hash': listed }));
    expect(() => OperationsAllowList.load(notAList)).toThrow(/sha256/);
    expect(() => OperationsAllowList.load(join(dir, 'missing.json'))).toThrow(AllowListError);
  });
});

describe('allowListOf', () => {
  it('lists documents by the hash of their printed text, which clients send', () => {
    const document = parse('query Version{platform{version}}');
    const allowList = new OperationsAllowList(allowListOf([document]));
    expect(allowList.admit({ query: print(document) })).toBe(print(document));
    expect(allowList.admit({ query: 'query Version{platform{version}}' })).toBeInstanceOf(
      LimitError,
    );
  });
});
