import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type UserIdentityInfo,
} from 'node-opcua';
import type { OpcuaConnectionConfig } from '@plantgraph/ingest';

/**
 * Where node-opcua keeps the client certificate and the trusted/rejected server certificates
 * unless the caller names a folder. Outside the repository, so no key material is ever committed;
 * a deployment that needs the client certificate to survive reboots passes a folder in its data
 * directory instead.
 */
export const defaultPkiFolder = join(tmpdir(), 'plantgraph', 'opcua-pki');

/** Retry timing for the first connection and for every reconnection. */
export const reconnectBackoff = { initialDelay: 500, maxDelay: 10_000 } as const;

export interface OpcuaClientOptions {
  securityMode: OpcuaConnectionConfig['securityMode'];
  securityPolicy: OpcuaConnectionConfig['securityPolicy'];
  pkiFolder: string;
  /** Shown to the server (session name, certificate); the connection id for connectors. */
  clientName: string;
  /** -1 retries forever (connectors); 0 fails on the first refused connection (the browse CLI). */
  maxRetry: number;
}

/**
 * A node-opcua client that does not require the endpoint URL to match the server's advertised
 * one (servers behind NAT or in containers advertise their own host name) and keeps its session
 * alive with periodic reads, so a silently dead connection is noticed without traffic.
 */
export function createOpcuaClient(options: OpcuaClientOptions): OPCUAClient {
  return OPCUAClient.create({
    applicationName: 'Plantgraph OPC UA connector',
    clientName: options.clientName,
    securityMode: MessageSecurityMode[options.securityMode],
    securityPolicy: SecurityPolicy[options.securityPolicy],
    endpointMustExist: false,
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    connectionStrategy: {
      ...reconnectBackoff,
      maxRetry: options.maxRetry,
      randomisationFactor: 0.1,
    },
    clientCertificateManager: new OPCUACertificateManager({
      rootFolder: options.pkiFolder,
      // node-opcua's own default: trust a server certificate on first use. Rejecting unknown
      // certificates would need an operator to move each one into pki/trusted by hand.
      automaticallyAcceptUnknownCertificate: true,
    }),
  });
}

/** Raised when the credentials a connection names cannot be read. */
export class CredentialConfigError extends Error {
  constructor(connectionId: string, problem: string) {
    super(`OPC UA connection "${connectionId}": ${problem}`);
    this.name = 'CredentialConfigError';
  }
}

/**
 * The session identity: user name and password from the environment variables the connection
 * names, anonymous when it names none. A named but unset variable is an error rather than a
 * silent fall back to anonymous access.
 */
export function userIdentityFor(
  connection: Pick<OpcuaConnectionConfig, 'id' | 'usernameEnv' | 'passwordEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): UserIdentityInfo {
  const { id, usernameEnv, passwordEnv } = connection;
  if (!usernameEnv && !passwordEnv) return { type: UserTokenType.Anonymous };
  if (!usernameEnv || !passwordEnv) {
    throw new CredentialConfigError(id, 'usernameEnv and passwordEnv must be set together');
  }
  const userName = env[usernameEnv];
  const password = env[passwordEnv];
  if (userName === undefined) {
    throw new CredentialConfigError(id, `environment variable ${usernameEnv} is not set`);
  }
  if (password === undefined) {
    throw new CredentialConfigError(id, `environment variable ${passwordEnv} is not set`);
  }
  return { type: UserTokenType.UserName, userName, password };
}
