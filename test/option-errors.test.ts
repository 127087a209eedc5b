// Messages for option names this version does not have, and for the switches of listeners.
import { resolveOptions } from '../lib/options';

function message(input: unknown): string {
  try {
    resolveOptions(input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('option errors: names this version does not have', () => {
  it.each(['record', 'relay'])('says %s is not available in this version, not "unknown option"', (section) => {
    const text = message({ [section]: {} });
    expect(text).toContain(`  - ${section}: not available in this version of rtmp-engine; `);
    expect(text).not.toContain('unknown option');
  });

  it('still calls a nested "record" an unknown option (only the sections are planned)', () => {
    expect(message({ rtmp: { record: true } })).toContain('rtmp.record: unknown option');
  });

  it('still suggests keys for typos next to a planned name', () => {
    const text = message({ relay: {}, rtmpp: {} });
    expect(text).toContain('relay: not available in this version');
    expect(text).toContain('rtmpp: unknown option; did you mean "rtmp"?');
  });
});

describe('option errors: http and rtmps are switched by their type', () => {
  it.each([[{ enabled: false }], [{ enabled: true, port: 9000 }]])('refuses http: %j, saying how to turn HTTP off', (http) => {
    const text = message({ http });
    expect(text).toContain('http.enabled: not an option; the HTTP server is on unless "http": false');
    expect(text).not.toContain('did you mean "hls.enabled"');
  });

  it('refuses rtmps.enabled the same way', () => {
    expect(message({ rtmps: { enabled: true, cert: 'c.pem', key: 'k.pem' } })).toContain(
      'rtmps.enabled: not an option; RTMPS is on when "rtmps" is an object with cert and key',
    );
  });

  it('accepts the two spellings that mean something: false, and an object that listens', () => {
    expect(resolveOptions({ http: false }).http).toBe(false);
    expect(resolveOptions({ http: { port: 9000 } }).http).toMatchObject({ port: 9000, host: '0.0.0.0' });
  });
});
