/** Auth helpers for the authorize hook (issue #5): types, signed URLs, webhook. */
export { allow, deny } from './types';
export type { AuthAction, AuthDecision, AuthProtocol, AuthRequest, Authorizer } from './types';
export { signStreamUrl, signedUrlAuthorizer, verifySignedRequest } from './signed-url';
export type { SignStreamUrlOptions, SigningSecret, VerifySignedRequestOptions } from './signed-url';
export { CIRCUIT_OPEN_REASON, webhookAuthorizer } from './webhook';
export { staticKeyAuthorizer } from './static-keys';
export type { StreamKeys } from './static-keys';
export type { BreakerState, WebhookAuthorizer, WebhookAuthorizerOptions } from './webhook';
