/**
 * frames.hwaccel is never required: with 'auto' (no GPU here: software, one
 * info line) and with a VAAPI device that cannot exist (software, one warning
 * with FFmpeg's reason), frames from a real publisher flow as with software,
 * the subscription hears of no error, and the line is said once per server,
 * not per stream. The hardware path itself is not exercised (no device here).
 */
import { createServer, type RtmpServer, type ServerOptions } from '../../lib';
import type { LogFields, LoggerLike } from '../../lib/logger';
import { describeWithAddon } from '../helpers/addon';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { waitUntil } from './helpers/server';

interface Line {
  level: string;
  component: unknown;
  msg: string;
}

function capturingLogger(lines: Line[]): LoggerLike {
  const at =
    (level: string) =>
    (fields: LogFields, msg: string): void => {
      lines.push({ level, component: fields.component, msg });
    };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function start(frames: ServerOptions['frames'], lines: Line[]): Promise<{ server: RtmpServer; url: (p: string) => string }> {
  const server = createServer({
    rtmp: { host: '127.0.0.1', port: 0 },
    http: false,
    frames,
    logLevel: 'info',
    logger: capturingLogger(lines),
  } as ServerOptions);
  const { port } = await server.listen();
  return { server, url: (p: string) => `rtmp://127.0.0.1:${port}/${p}` };
}

/** Takes `count` yuv420p pictures of `path`; the decode errors heard meanwhile. */
async function takePictures(server: RtmpServer, path: string, count: number): Promise<{ sizes: string[]; errors: unknown[] }> {
  const sizes: string[] = [];
  const errors: unknown[] = [];
  for await (const f of server.frames(path, { audio: false, wait: 20_000, onError: (e) => errors.push(e) })) {
    if (f.kind === 'video') sizes.push(`${f.width}x${f.height} ${f.format} ${f.planes.length}`);
    f.release();
    if (sizes.length === count) break;
  }
  return { sizes, errors };
}

const hwLines = (lines: Line[]) => lines.filter((l) => l.msg.includes('hwaccel'));

describeWithAddon('frames.hwaccel falls back to software', () => {
  afterEach(() => stopAll());

  for (const [hwaccel, hwaccelDevice] of [
    ['auto', ''],
    ['vaapi', '/nonexistent/dri'],
  ] as const) {
    it(`hwaccel '${hwaccel}'${hwaccelDevice ? ` on ${hwaccelDevice}` : ''}: two streams decode, one line per server`, async () => {
      const clip = makeClip({ seconds: 4 });
      const lines: Line[] = [];
      const { server, url } = await start({ hwaccel, hwaccelDevice }, lines);
      try {
        publish(clip.file, url('live/hw1'), { loop: true, timeoutMs: 60_000 });
        publish(clip.file, url('live/hw2'), { loop: true, timeoutMs: 60_000 });
        const [a, b] = await Promise.all([takePictures(server, 'live/hw1', 20), takePictures(server, 'live/hw2', 20)]);
        for (const got of [a, b]) {
          expect(got.errors).toEqual([]);
          expect(new Set(got.sizes)).toEqual(new Set(['320x240 yuv420p 3']));
        }
        await waitUntil(() => server.frameDecoderCount() === 0, 'the decoders to close');
        const said = hwLines(lines);
        if (hwaccel === 'auto' && said.some((l) => l.msg.startsWith('hwaccel: decoding on'))) {
          return; // a machine with a device: the fallback is not what ran
        }
        expect(said).toHaveLength(1);
        if (hwaccel === 'auto') {
          expect(said[0]).toMatchObject({ level: 'info', component: 'decode' });
          expect(said[0]!.msg).toMatch(/^hwaccel auto: no hardware device opened \(.+\); decoding in software$/);
        } else {
          expect(said[0]).toMatchObject({ level: 'warn', component: 'decode' });
          expect(said[0]!.msg).toMatch(/^hwaccel 'vaapi' device '\/nonexistent\/dri' did not open \(.+\); decoding in software$/);
        }
      } finally {
        await server.close({ graceMs: 2000 });
      }
    }, 90_000);
  }

  it('an unknown hwaccel is refused by createServer with the accepted names', () => {
    expect(() => createServer({ http: false, frames: { hwaccel: 'nvdec' as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(/frames\.hwaccel: must be one of "none", "auto", "cuda"/) }),
    );
  });
});
