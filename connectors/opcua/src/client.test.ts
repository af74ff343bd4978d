import { UserTokenType } from 'node-opcua';
import { describe, expect, it } from 'vitest';
import { CredentialConfigError, userIdentityFor } from './client.ts';

describe('userIdentityFor', () => {
  it('is anonymous when the connection names no credentials', () => {
    expect(userIdentityFor({ id: 'plc' }, {})).toEqual({ type: UserTokenType.Anonymous });
  });

  it('reads user name and password from the named variables', () => {
    const connection = { id: 'plc', usernameEnv: 'PLC_USER', passwordEnv: 'PLC_PASSWORD' };
    expect(userIdentityFor(connection, { PLC_USER: 'reader', PLC_PASSWORD: 's3cret' })).toEqual({
      type: UserTokenType.UserName,
      userName: 'reader',
      password: 's3cret',
    });
  });

  it('refuses a named variable that is not set instead of connecting anonymously', () => {
    const connection = { id: 'plc', usernameEnv: 'PLC_USER', passwordEnv: 'PLC_PASSWORD' };
    expect(() => userIdentityFor(connection, { PLC_USER: 'reader' })).toThrow(
      new CredentialConfigError('plc', 'environment variable PLC_PASSWORD is not set'),
    );
    expect(() => userIdentityFor({ id: 'plc', usernameEnv: 'PLC_USER' }, {})).toThrow(
      /usernameEnv and passwordEnv must be set together/,
    );
  });
});
