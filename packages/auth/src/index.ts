export {
  activeApiKeyIds,
  apiKeyId,
  auditRefusedAuthentication,
  createApiKey,
  isApiKey,
  listApiKeys,
  revokeApiKey,
  verifyApiKey,
  type ApiKeySummary,
  type NewApiKey,
} from './api-keys.ts';
export {
  IDENTITY_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TTL_MS,
  SignatureError,
  signIdentity,
  verifyIdentity,
  WEBSOCKET_SIGNED_BODY,
} from './gateway-signature.ts';
export { parseIdentity, scopeOf, type Identity } from './identity.ts';
export {
  jwtTokenVerifier,
  jwtVerifier,
  TokenError,
  type JwtOptions,
  type VerifiedToken,
} from './jwt.ts';
export {
  includesRole,
  isRole,
  MUTATION_ROLES,
  QUERY_ROLE,
  requiredRole,
  ROLES,
  SUBSCRIPTION_ROLE,
  type Role,
} from './roles.ts';
export { keysRole } from './keys-role.ts';
