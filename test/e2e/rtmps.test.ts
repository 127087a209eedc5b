/**
 * RTMPS with real ffmpeg: a self-signed certificate made here with openssl;
 * ffmpeg publishes over rtmps:// and plays back over rtmps:// the source's
 * packets exactly. Plain RTMP on the TLS port and TLS on the plain port are
 * refused cleanly; reloadTls() swaps the certificate without dropping a
 * live session.
 */
import { execFileSync } from 'child_process';
import * as net from 'net';

import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { waitForEvent } from './helpers/server';
import { selfSigned } from './helpers/tls';
import { createServer, type RtmpServer } from '../../lib';

/** Sends bytes to host:port and resolves with what comes back before the peer closes (bounded). */
function exchange(port: number, bytes: Buffer, timeoutMs = 5000): Promise<{ reply: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), closed: false });
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply: Buffer.concat(chunks), closed: true });
    });
  });
}

describe('RTMPS', () => {
  let server: RtmpServer;
  let rtmpPort: number;
  let rtmpsPort: number;
  const first = selfSigned('first.example');

  beforeAll(async () => {
    server = createServer({
      rtmp: { host: '127.0.0.1', port: 0 },
      rtmps: { port: 0, cert: first.cert, key: first.key },
      http: false,
      logLevel: 'silent',
    });
    const bound = await server.listen();
    rtmpPort = bound.port;
    rtmpsPort = bound.rtmpsPort ?? 0;
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 1000 });
  });

  it('publishes and plays over rtmps:// with the source packets intact', async () => {
    expect(rtmpsPort).toBeGreaterThan(0);
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/secure');
    const pub = publish(clip.file, `rtmps://127.0.0.1:${rtmpsPort}/live/secure`, { loop: true });
    await started;
    const player = playFramemd5(`rtmps://127.0.0.1:${rtmpsPort}/live/secure`, { seconds: 3 });
    expect(await player.exited).toBe(0);
    const received = parseFramemd5(player.stdout());
    expect(received.filter((p) => p.stream === 0).length).toBeGreaterThan(60);
    expect(compareWithSource(source, received)).toBeNull();
    // The same stream is there for plain RTMP players too.
    const plain = playFramemd5(`rtmp://127.0.0.1:${rtmpPort}/live/secure`, { seconds: 2 });
    expect(await plain.exited).toBe(0);
    expect(compareWithSource(source, parseFramemd5(plain.stdout()))).toBeNull();
    pub.child.kill('SIGTERM');
  });

  it('refuses plain RTMP on the RTMPS port with a logged reason', async () => {
    const refused = waitForEvent<any>(server, 'error', (e) => e.code === 'ERR_RTMP_TLS');
    // C0 (version 3) + 1536 bytes of C1: what an RTMP client sends first.
    const { reply, closed } = await exchange(rtmpsPort, Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
    expect(closed).toBe(true);
    expect(reply.length).toBe(0); // no RTMP handshake answer from the TLS port
    expect((await refused).message).toMatch(/plain RTMP|not TLS/i);
  });

  it('refuses TLS on the plain RTMP port', async () => {
    const player = playFramemd5(`rtmps://127.0.0.1:${rtmpPort}/live/secure`, { seconds: 1, timeoutMs: 20_000 });
    expect(await player.exited).not.toBe(0);
  });

  it('reloads the certificate without dropping a live session', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/reload');
    const pub = publish(clip.file, `rtmps://127.0.0.1:${rtmpsPort}/live/reload`, { loop: true });
    await started;
    const player = playFramemd5(`rtmps://127.0.0.1:${rtmpsPort}/live/reload`, { seconds: 4 });
    await new Promise((r) => setTimeout(r, 1000));

    const second = selfSigned('second.example');
    execFileSync('cp', [second.cert, first.cert]);
    execFileSync('cp', [second.key, first.key]);
    await server.reloadTls();

    // The session that started before the reload keeps going, byte-exact.
    expect(await player.exited).toBe(0);
    expect(compareWithSource(source, parseFramemd5(player.stdout()))).toBeNull();
    expect(pub.child.exitCode).toBeNull();
    // New sessions get the new certificate.
    const subject = execFileSync('sh', [
      '-c',
      `echo | openssl s_client -connect 127.0.0.1:${rtmpsPort} 2>/dev/null | openssl x509 -noout -subject`,
    ]).toString();
    expect(subject).toContain('second.example');
    pub.child.kill('SIGTERM');
  });

  it('keeps the old certificate when the new files do not load', async () => {
    execFileSync('sh', ['-c', `echo broken > ${first.cert}`]);
    await expect(server.reloadTls()).rejects.toMatchObject({ code: 'ERR_RTMP_TLS' });
    const subject = execFileSync('sh', [
      '-c',
      `echo | openssl s_client -connect 127.0.0.1:${rtmpsPort} 2>/dev/null | openssl x509 -noout -subject`,
    ]).toString();
    expect(subject).toContain('second.example');
  });
});
