/** At `debug`, a real session's native log lines carry its context as fields and show its steps. */
import { createServer, type RtmpServer, type ServerOptions } from '../../lib';
import type { LogFields, LoggerLike } from '../../lib/logger';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { waitForEvent, waitUntil } from './helpers/server';

interface Line {
  level: string;
  fields: LogFields;
  msg: string;
}

function capturingLogger(lines: Line[]): LoggerLike {
  const at =
    (level: string) =>
    (fields: LogFields, msg: string): void => {
      lines.push({ level, fields, msg });
    };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('session log lines at debug', () => {
  const lines: Line[] = [];
  let server: RtmpServer;
  let port: number;

  beforeAll(async () => {
    server = createServer({
      rtmp: { host: '127.0.0.1', port: 0 },
      http: false,
      logLevel: 'debug',
      logger: capturingLogger(lines),
    } as ServerOptions);
    ({ port } = await server.listen());
  });
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('carry sessionId, stream and remote, and show handshake, connect and publish', async () => {
    const clip = makeClip({ seconds: 2 });
    const published = waitForEvent<{ sessionId: number }>(server, 'publish', () => true);
    const pub = publish(clip.file, `rtmp://127.0.0.1:${port}/live/cam`);
    const { sessionId } = await published;
    const native = (): Line[] => lines.filter((l) => l.fields.component === 'session' && l.fields.sessionId === sessionId);
    const saw = (text: string): boolean => native().some((l) => l.msg.includes(text));
    await waitUntil(() => saw('first media frame'), 'the first-frame debug line');
    for (const text of ['handshake done', "command 'connect'", 'connected: app', "command 'publish'", 'publish started']) {
      expect(saw(text)).toBe(true);
    }
    for (const l of native()) {
      expect(l.level === 'debug' || l.level === 'trace').toBe(true);
      expect(l.fields.remote).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(l.msg).not.toContain(`session ${sessionId}`);
    }
    const started = native().find((l) => l.msg.startsWith('publish started'));
    expect(started?.fields.stream).toBe('live/cam');
    await pub.exited;
  });
});
