import { parseQuery } from '../lib/query';

describe('parseQuery', () => {
  it('parses key=value pairs', () => {
    expect(parseQuery('token=abc&expires=1700000000')).toEqual({ token: 'abc', expires: '1700000000' });
  });

  it('returns an empty object for an empty string', () => {
    expect(parseQuery('')).toEqual({});
  });

  it('ignores a leading question mark', () => {
    expect(parseQuery('?a=1')).toEqual({ a: '1' });
  });

  it('decodes percent-escapes', () => {
    expect(parseQuery('name=caf%C3%A9&sp=a%20b')).toEqual({ name: 'café', sp: 'a b' });
  });

  it('keeps + as + (base64 tokens)', () => {
    expect(parseQuery('sig=ab+cd/ef==')).toEqual({ sig: 'ab+cd/ef==' });
  });

  it('keeps a malformed escape as sent', () => {
    expect(parseQuery('bad=%E0%A4%A&ok=1')).toEqual({ bad: '%E0%A4%A', ok: '1' });
  });

  it('lets a repeated key keep its last value', () => {
    expect(parseQuery('k=app&k=stream')).toEqual({ k: 'stream' });
  });

  it('maps a key without = to an empty string', () => {
    expect(parseQuery('flag&x=1')).toEqual({ flag: '', x: '1' });
  });

  it('splits on the first = only', () => {
    expect(parseQuery('b64=YQ==')).toEqual({ b64: 'YQ==' });
  });

  it('skips empty parts and empty keys', () => {
    expect(parseQuery('&&=v&a=1&')).toEqual({ a: '1' });
  });

  it('keeps a ? inside a value', () => {
    expect(parseQuery('next=/x?y')).toEqual({ next: '/x?y' });
  });

  it('makes __proto__ an own key, not a prototype change', () => {
    const q = parseQuery('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(q, '__proto__')).toBe(true);
    expect(q['constructor']).toBe('y');
  });
});
