/**
 * ErrorCodes is the real set of codes: the engine's table
 * (native/base/error_codes.h, whose strings the binding passes through in
 * native/binding/error_mapping.cc) plus the SDK's own, every ERR_RTMP_* string
 * in lib/ is one of them, and docs/api.md explains each one.
 */
import * as fs from 'fs';
import * as path from 'path';

import { ENGINE_ERROR_CODES, ErrorCodes, fromNativeError, isErrorCode, RtmpEngineError, type ErrorCode } from '../lib/errors';

const ROOT = path.resolve(__dirname, '..');

/** The string column of every X(kName, "CODE", "message") row, without "OK". */
function nativeTable(): string[] {
  const header = fs.readFileSync(path.join(ROOT, 'native', 'base', 'error_codes.h'), 'utf8');
  const codes = [...header.matchAll(/X\(\s*k\w+,\s*"([A-Z0-9_]+)"/g)].map((m) => m[1] as string);
  expect(codes).toContain('OK');
  return codes.filter((c) => c !== 'OK');
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('error codes', () => {
  it('has exactly the engine table', () => {
    const table = nativeTable();
    expect(table.length).toBeGreaterThan(20);
    expect([...Object.values(ENGINE_ERROR_CODES)].sort()).toEqual([...table].sort());
    for (const code of table) expect(Object.values(ErrorCodes)).toContain(code);
  });

  it('knows every ERR_RTMP_* code written in lib/', () => {
    const unknown: string[] = [];
    for (const file of tsFiles(path.join(ROOT, 'lib'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/'(ERR_RTMP_[A-Z0-9_]+)'/g)) {
        if (!isErrorCode(m[1])) unknown.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('lists every code with its meaning in docs/api.md', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `([A-Z0-9_]+)` \| (.+) \|$/gm)) rows.set(m[1] as string, (m[2] as string).trim());
    for (const code of Object.values(ErrorCodes)) {
      expect([code, (rows.get(code) ?? '').length > 10]).toEqual([code, true]);
    }
  });

  it('types code as the union of the real codes', () => {
    const err = new RtmpEngineError(ErrorCodes.REJECTED, 'no');
    const code: ErrorCode = err.code;
    // @ts-expect-error: not a code of rtmp-engine
    const wrong: ErrorCode = 'ERR_RTMP_REJECT';
    void wrong;
    expect(code).toBe('ERR_RTMP_REJECTED');
  });

  it('keeps a native error code from the table, and maps an unknown one to ERR_RTMP_INTERNAL', () => {
    const tls = Object.assign(new Error('handshake failed'), { code: 'ERR_RTMP_TLS' });
    expect(fromNativeError(tls).code).toBe('ERR_RTMP_TLS');
    expect(fromNativeError(tls).cause).toBe(tls);
    const odd = Object.assign(new Error('odd'), { code: 'ERR_SOMETHING_ELSE' });
    expect(fromNativeError(odd).code).toBe('ERR_RTMP_INTERNAL');
  });
});
