/**
 * An Authorizer that asks an HTTP endpoint: POST the AuthRequest as JSON,
 * read back `{ allow, name?, reason? }`. A circuit breaker keeps a dead or
 * overloaded endpoint from parking every new session for the full timeout.
 *
 * Outcomes, and what they mean for the breaker:
 * - 2xx with a JSON decision → that decision (success)
 * - 2xx without one (not JSON, no boolean `allow`) → deny (success: the
 *   endpoint is up, just wrong; counting it would only hide the real bug)
 * - 401/403 → deny with the body's reason, if any (success)
 * - any other status, a network error or the timeout → deny (failure)
 */
import { ErrorCodes, RtmpEngineError } from '../errors';
import { allow, deny, type AuthDecision, type AuthRequest, type Authorizer } from './types';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface WebhookAuthorizerOptions {
  /** http(s) endpoint that receives the POST. */
  url: string;
  /** Per request, including reading the body. Default 3000. */
  timeoutMs?: number;
  /** Sent with every request (e.g. an Authorization header for the endpoint). */
  headers?: Record<string, string>;
  breaker?: {
    /** Consecutive failures that open the circuit. Default 5. */
    failureThreshold?: number;
    /** How long the circuit stays open before one trial request. Default 30000. */
    resetAfterMs?: number;
  };
  /** Answer while the circuit is open. Default 'deny'. */
  onBreakerOpen?: 'deny' | 'allow';
  /** Defaults to the global fetch. */
  fetchImpl?: typeof fetch;
  /** Clock for the breaker, in milliseconds. Defaults to Date.now. */
  now?: () => number;
}

export type WebhookAuthorizer = Authorizer & { breakerState(): BreakerState };

export const CIRCUIT_OPEN_REASON = 'auth webhook circuit open';
/** Longest reason taken from a response body; the rest is cut. */
const MAX_REASON_CHARS = 200;

interface Outcome {
  decision: AuthDecision;
  failed: boolean;
}

export function webhookAuthorizer(opts: WebhookAuthorizerOptions): WebhookAuthorizer {
  const cfg = resolve(opts);
  const breaker = new Breaker(cfg.failureThreshold, cfg.resetAfterMs, cfg.now);

  const authorize = async (req: AuthRequest): Promise<AuthDecision> => {
    const ticket = breaker.admit();
    if (ticket === 'reject') {
      return cfg.onBreakerOpen === 'allow' ? allow() : deny(CIRCUIT_OPEN_REASON);
    }
    const outcome = await callWebhook(cfg, req);
    breaker.record(ticket, outcome.failed);
    return outcome.decision;
  };
  return Object.assign(authorize, { breakerState: () => breaker.state() });
}

/**
 * Consecutive-failure breaker. Only the one trial request let through while
 * half-open decides between closed and open again; answers to requests sent
 * before the circuit opened do not move it.
 */
class Breaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    private readonly threshold: number,
    private readonly resetAfterMs: number,
    private readonly now: () => number,
  ) {}

  state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetAfterMs) this.current = 'half-open';
    return this.current;
  }

  /** 'normal' or 'trial' to go ahead, 'reject' to answer without calling. */
  admit(): 'normal' | 'trial' | 'reject' {
    const state = this.state();
    if (state === 'closed') return 'normal';
    if (state === 'open' || this.trialInFlight) return 'reject';
    this.trialInFlight = true;
    return 'trial';
  }

  record(ticket: 'normal' | 'trial', failed: boolean): void {
    if (ticket === 'trial') {
      this.trialInFlight = false;
      if (failed) this.open();
      else this.close();
      return;
    }
    if (this.current !== 'closed') return;
    if (!failed) {
      this.failures = 0;
    } else if (++this.failures >= this.threshold) {
      this.open();
    }
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.now();
  }

  private close(): void {
    this.current = 'closed';
    this.failures = 0;
  }
}

interface ResolvedWebhookOptions {
  url: string;
  timeoutMs: number;
  headers: Record<string, string>;
  failureThreshold: number;
  resetAfterMs: number;
  onBreakerOpen: 'deny' | 'allow';
  fetchImpl: typeof fetch;
  now: () => number;
}

async function callWebhook(cfg: ResolvedWebhookOptions, req: AuthRequest): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), cfg.timeoutMs);
  // Called unbound: some fetch implementations reject a foreign `this`.
  const fetchImpl = cfg.fetchImpl;
  try {
    const res = await fetchImpl(cfg.url, {
      method: 'POST',
      headers: cfg.headers,
      body: JSON.stringify(req),
      signal: controller.signal,
      // Never replay the request (and its headers) to wherever a 3xx points.
      redirect: 'manual',
    });
    const body = await res.text();
    return interpret(res.status, body);
  } catch (err) {
    const why = controller.signal.aborted ? `timed out after ${cfg.timeoutMs} ms` : describe(err);
    return { decision: deny(`auth webhook failed: ${why}`), failed: true };
  } finally {
    clearTimeout(timer);
  }
}

function interpret(status: number, body: string): Outcome {
  if (status === 401 || status === 403) {
    const reason = reasonFrom(body) ?? `auth webhook denied (HTTP ${status})`;
    return { decision: deny(reason), failed: false };
  }
  if (status < 200 || status > 299) {
    return { decision: deny(`auth webhook failed: HTTP ${status}`), failed: true };
  }
  const json = parseJson(body);
  if (json === undefined) {
    return { decision: deny('auth webhook answered with a body that is not JSON'), failed: false };
  }
  if (typeof json.allow !== 'boolean') {
    return { decision: deny('auth webhook answer has no boolean "allow"'), failed: false };
  }
  if (!json.allow) {
    const reason = typeof json.reason === 'string' && json.reason !== '' ? clip(json.reason) : 'denied by auth webhook';
    return { decision: deny(reason), failed: false };
  }
  if (json.name === undefined || json.name === null) return { decision: allow(), failed: false };
  if (typeof json.name !== 'string' || json.name === '') {
    return { decision: deny('auth webhook answer has an invalid "name"'), failed: false };
  }
  return { decision: allow(json.name), failed: false };
}

/** A JSON object, or undefined for anything else. */
function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `{ "reason": "…" }`, or a short plain-text body. */
function reasonFrom(body: string): string | undefined {
  const json = parseJson(body);
  if (json !== undefined) {
    return typeof json.reason === 'string' && json.reason !== '' ? clip(json.reason) : undefined;
  }
  const text = body.trim();
  return text === '' ? undefined : clip(text);
}

function clip(s: string): string {
  return s.length > MAX_REASON_CHARS ? `${s.slice(0, MAX_REASON_CHARS)}…` : s;
}

/** fetch wraps network errors as "fetch failed"; the cause says what happened. */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The caller's headers, except that the body is always sent as JSON. */
function requestHeaders(extra: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (k.toLowerCase() !== 'content-type') headers[k] = v;
  }
  headers['content-type'] = 'application/json';
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'accept')) headers.accept = 'application/json';
  return headers;
}

function resolve(opts: WebhookAuthorizerOptions): ResolvedWebhookOptions {
  const fail = (message: string): never => {
    throw new RtmpEngineError(ErrorCodes.INVALID_OPTIONS, `webhookAuthorizer: ${message}`);
  };
  let protocol = '';
  try {
    protocol = new URL(opts.url).protocol;
  } catch {
    fail(`url is not a valid URL: ${String(opts.url)}`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') fail('url must be http: or https:');

  const timeoutMs = opts.timeoutMs ?? 3000;
  const failureThreshold = opts.breaker?.failureThreshold ?? 5;
  const resetAfterMs = opts.breaker?.resetAfterMs ?? 30_000;
  const onBreakerOpen = opts.onBreakerOpen ?? 'deny';
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) fail('timeoutMs must be a number > 0');
  if (!(Number.isSafeInteger(failureThreshold) && failureThreshold >= 1)) {
    fail('breaker.failureThreshold must be a whole number >= 1');
  }
  if (!(Number.isFinite(resetAfterMs) && resetAfterMs >= 0)) fail('breaker.resetAfterMs must be a number >= 0');
  if (onBreakerOpen !== 'deny' && onBreakerOpen !== 'allow') fail("onBreakerOpen must be 'deny' or 'allow'");

  const fetchImpl = opts.fetchImpl ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('no fetch available; pass fetchImpl');
  return {
    url: opts.url,
    timeoutMs,
    headers: requestHeaders(opts.headers ?? {}),
    failureThreshold,
    resetAfterMs,
    onBreakerOpen,
    fetchImpl,
    now: opts.now ?? Date.now,
  };
}
