// The operator access rule (lib/metrics/access.ts), shared with the admin
// API: loopback only without tokens; with tokens, the bearer token from any
// address, and the environment variable adds one.
import type { IncomingMessage } from 'http';

import { ADMIN_TOKEN_ENV, createOperatorAccess, isLoopbackAddress, operatorTokens } from '../../lib/metrics/access';

function request(remoteAddress: string, authorization?: string): IncomingMessage {
  return { socket: { remoteAddress }, headers: authorization ? { authorization } : {} } as unknown as IncomingMessage;
}

const TOKEN = 'scrape-token-0123456789';

describe('operator access', () => {
  it('knows loopback addresses, IPv4-mapped ones included', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '::2', '', undefined].some(isLoopbackAddress)).toBe(false);
  });

  it('without tokens answers loopback only (403 otherwise, whatever the header)', () => {
    const check = createOperatorAccess([]);
    expect(check(request('127.0.0.1'))).toEqual({ allowed: true });
    expect(check(request('192.0.2.7', `Bearer ${TOKEN}`))).toMatchObject({ allowed: false, status: 403, code: 'loopback_only' });
  });

  it('with tokens wants one of them from every address, loopback too', () => {
    const check = createOperatorAccess(['another-token-abcdefgh', TOKEN]);
    expect(check(request('192.0.2.7', `Bearer ${TOKEN}`))).toEqual({ allowed: true });
    expect(check(request('192.0.2.7', `bearer ${TOKEN}`))).toEqual({ allowed: true });
    expect(check(request('127.0.0.1'))).toMatchObject({ allowed: false, status: 401, code: 'token_required' });
    expect(check(request('192.0.2.7', `Bearer ${TOKEN}x`))).toMatchObject({ status: 401 });
    expect(check(request('192.0.2.7', `Basic ${TOKEN}`))).toMatchObject({ status: 401 });
    expect(check(request('192.0.2.7', 'Bearer '))).toMatchObject({ status: 401 });
  });

  it('adds RTMP_ENGINE_ADMIN_TOKEN to the configured tokens', () => {
    expect(operatorTokens(['a'], { [ADMIN_TOKEN_ENV]: 'from-env' })).toEqual(['a', 'from-env']);
    expect(operatorTokens(['a'], {})).toEqual(['a']);
    const check = createOperatorAccess(operatorTokens([], { [ADMIN_TOKEN_ENV]: TOKEN }));
    expect(check(request('192.0.2.7', `Bearer ${TOKEN}`))).toEqual({ allowed: true });
  });
});
