import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadUserInputError,
  errorBody,
  fromDatabaseError,
  InternalServerError,
  LimitError,
  NotFoundError,
  PlantgraphError,
} from './index.ts';

describe('PlantgraphError', () => {
  it('is a GraphQL error with its code after the other extensions', () => {
    const error = new PlantgraphError('FORBIDDEN', 'no', { argument: 'tagIds' });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.httpStatus).toBe(403);
    expect(JSON.stringify(error)).toBe(
      '{"message":"no","extensions":{"argument":"tagIds","code":"FORBIDDEN"}}',
    );
  });

  it('words arguments the same way everywhere', () => {
    expect(new BadUserInputError('first', 'must be positive').message).toBe(
      'Argument "first": must be positive',
    );
    expect(new NotFoundError('Tag', 't1', 'tagIds').toJSON()).toEqual({
      message: 'Tag "t1" does not exist (argument "tagIds")',
      extensions: { argument: 'tagIds', code: 'NOT_FOUND' },
    });
  });

  it('answers limits and authentication with their HTTP status', () => {
    const limit = new LimitError('RATE_LIMITED', 'slow down', { limit: 6, retryAfter: 10 });
    expect(limit).toBeInstanceOf(PlantgraphError);
    expect(limit.httpStatus).toBe(429);
    expect(new AuthenticationError('Not authenticated').extensions.http).toEqual({ status: 401 });
  });
});

describe('errorBody', () => {
  it('is a GraphQL response without the `http` extension', () => {
    expect(errorBody(new AuthenticationError('Not authenticated'))).toEqual({
      errors: [{ message: 'Not authenticated', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(JSON.stringify(errorBody(new InternalServerError()))).toBe(
      '{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}',
    );
    expect(errorBody(new GraphQLError('plain'))).toEqual({ errors: [{ message: 'plain' }] });
  });
});

describe('fromDatabaseError', () => {
  it('maps constraint violations to client errors and leaves the rest alone', () => {
    const duplicate = fromDatabaseError({ code: '23505', constraint: 'tag_name_key' });
    expect(duplicate).toMatchObject({
      message: 'A record with these values already exists (tag_name_key)',
      extensions: { code: 'CONFLICT' },
    });
    expect(fromDatabaseError({ code: '23503' })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const other = new Error('connection lost');
    expect(fromDatabaseError(other)).toBe(other);
  });
});
