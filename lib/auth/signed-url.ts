/**
 * Signed stream URLs: a backend that knows a shared secret hands out
 * `live/cam1?exp=1700000000&sig=…`, and the server checks it without a
 * round trip to that backend.
 *
 * What is signed (HMAC-SHA256 over UTF-8, key = the secret, digest written
 * as base64url without padding) is this canonical string, lines joined by
 * "\n" with no trailing newline:
 *
 *   rtmp-engine-signed-url-v1
 *   <action>          "publish", "play", or "*" when the URL is good for both
 *   <app>/<name>      e.g. "live/cam1", exactly as the client sends it
 *   <exp>             expiry, unix seconds, decimal
 *   <params>          every other query parameter except exp and sig, each as
 *                     enc(key)=enc(value), sorted by enc(key), joined by "&";
 *                     "" when there are none
 *
 * enc() percent-encodes every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX
 * (upper-case hex), so a backend in any language can build the same string.
 * The string parses back unambiguously from the end: exp and params never
 * hold a newline, so whatever precedes them is the path.
 *
 * Every query parameter is covered, so an app may trust anything in
 * req.query once the check passes; a parameter added after signing breaks
 * the signature. The action is not sent in the URL: the verifier tries the
 * session's action and "*".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCodes, RtmpEngineError } from '../errors';
import { parseQuery } from '../query';
import { allow, deny, type AuthAction, type AuthDecision, type AuthRequest, type Authorizer } from './types';

export type SigningSecret = string | Buffer;

export interface SignStreamUrlOptions {
  secret: SigningSecret;
  /** A Date, or unix seconds. */
  expiresAt: Date | number;
  /** Bind the URL to one action; by default it is good for publish and play. */
  action?: AuthAction;
  /** Extra query parameters, appended to the URL and signed. */
  params?: Record<string, string>;
}

export interface VerifySignedRequestOptions {
  /** One secret, or several during a rotation (any of them may have signed). */
  secret: SigningSecret | SigningSecret[];
  /** Current time in milliseconds, like Date.now (the default). */
  now?: () => number;
  /** Seconds an expired URL is still accepted, for clocks that disagree. Default 30. */
  clockSkewS?: number;
}

const CANONICAL_VERSION = 'rtmp-engine-signed-url-v1';
const ANY_ACTION = '*';
/** Up to 11 digits: anything longer is not a plausible unix time in seconds. */
const EXP_PATTERN = /^[0-9]{1,11}$/;
const MAX_EXP = 99_999_999_999;
const DEFAULT_SKEW_S = 30;

/**
 * Appends `exp` and `sig` (after any `params`) to `path`, which is
 * "app/name" with an optional query, or a whole rtmp[s]:// URL. Parameters
 * already in the path's query are signed too. Throws RtmpEngineError
 * ERR_RTMP_INVALID_ARGUMENT on an empty secret, a bad expiry, or a parameter
 * named exp/sig or given twice.
 */
export function signStreamUrl(path: string, opts: SignStreamUrlOptions): string {
  const key = checkSecret(opts.secret);
  const exp = String(toUnixSeconds(opts.expiresAt));
  const queryAt = path.indexOf('?');
  const bare = queryAt === -1 ? path : path.slice(0, queryAt);
  const existing = queryAt === -1 ? {} : parseQuery(path.slice(queryAt + 1));
  const added = opts.params ?? {};

  for (const k of Object.keys(added)) {
    if (k === '') invalid('signStreamUrl: a parameter name is empty');
    if (Object.hasOwn(existing, k)) invalid(`signStreamUrl: parameter "${k}" is already in the path's query`);
  }
  const signed = { ...existing, ...added };
  for (const k of ['exp', 'sig']) {
    if (Object.hasOwn(signed, k)) invalid(`signStreamUrl: "${k}" is reserved for the signature`);
  }

  const canonical = canonicalString(opts.action ?? ANY_ACTION, streamPathOf(bare), exp, signed);
  const sig = hmac(key, canonical);
  const tail = [...Object.entries(added).map(([k, v]) => `${enc(k)}=${enc(v)}`), `exp=${exp}`, `sig=${sig}`];
  const sep = queryAt === -1 ? '?' : path.endsWith('?') || path.endsWith('&') ? '' : '&';
  return `${path}${sep}${tail.join('&')}`;
}

/**
 * Checks the `exp` and `sig` in `req.query` against `app/name`, the action
 * and the other parameters. Never throws for a bad request, only for bad
 * options (no secret).
 */
export function verifySignedRequest(req: AuthRequest, opts: VerifySignedRequestOptions): AuthDecision {
  const keys = checkSecrets(opts.secret);
  const { sig, exp } = req.query;
  if (sig === undefined || sig === '') return deny('signed URL: missing signature (sig)');
  if (exp === undefined || exp === '') return deny('signed URL: missing expiry (exp)');
  if (!EXP_PATTERN.test(exp)) return deny('signed URL: malformed expiry (exp)');

  const path = `${req.app}/${req.name}`;
  let matched = false;
  // No early exit: the work done does not depend on which key or action matched.
  for (const action of [req.action, ANY_ACTION]) {
    const canonical = canonicalString(action, path, exp, req.query);
    for (const key of keys) matched = sameText(hmac(key, canonical), sig) || matched;
  }
  if (!matched) return deny('signed URL: bad signature');

  const nowMs = (opts.now ?? Date.now)();
  const skewS = opts.clockSkewS ?? DEFAULT_SKEW_S;
  if (nowMs > (Number(exp) + skewS) * 1000) return deny('signed URL: expired');
  return allow();
}

/** An Authorizer that admits only requests carrying a valid signed URL. */
export function signedUrlAuthorizer(opts: VerifySignedRequestOptions): Authorizer {
  checkSecrets(opts.secret);
  const skew = opts.clockSkewS;
  if (skew !== undefined && !(Number.isFinite(skew) && skew >= 0)) {
    throw new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, 'signedUrlAuthorizer: clockSkewS must be a number >= 0');
  }
  return (req) => verifySignedRequest(req, opts);
}

function canonicalString(action: string, path: string, exp: string, query: Record<string, string>): string {
  const params = Object.entries(query)
    .filter(([k]) => k !== 'exp' && k !== 'sig')
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [CANONICAL_VERSION, action, path, exp, params].join('\n');
}

function hmac(key: SigningSecret, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64url');
}

/** Constant-time for equal lengths; a length mismatch says nothing about the secret. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 3986 unreserved characters stay; everything else becomes %XX. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** "rtmp://host:1935/live/cam1" and "/live/cam1" both sign as "live/cam1". */
function streamPathOf(bare: string): string {
  return bare.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+/, '');
}

function toUnixSeconds(at: Date | number): number {
  const s = at instanceof Date ? Math.floor(at.getTime() / 1000) : at;
  if (!Number.isSafeInteger(s) || s < 0) invalid('signStreamUrl: expiresAt must be a valid Date or whole unix seconds');
  if (s > MAX_EXP) invalid('signStreamUrl: expiresAt is too far away (milliseconds passed as seconds?)');
  return s;
}

function checkSecret(secret: SigningSecret): SigningSecret {
  if (typeof secret === 'string' ? secret === '' : !Buffer.isBuffer(secret) || secret.length === 0) {
    invalid('signed URL secret must be a non-empty string or Buffer');
  }
  return secret;
}

function checkSecrets(secret: SigningSecret | SigningSecret[]): SigningSecret[] {
  const list = Array.isArray(secret) ? secret : [secret];
  if (list.length === 0) invalid('signed URL secret list is empty');
  return list.map(checkSecret);
}

function invalid(message: string): never {
  throw new RtmpEngineError(ErrorCodes.INVALID_ARGUMENT, message);
}
