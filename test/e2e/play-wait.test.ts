/**
 * Playing a stream nobody publishes (issue 14): the player waits up to
 * streams.playWaitMs for a publisher, says so (play event and sessions():
 * waiting), then is answered NetStream.Play.StreamNotFound and closed, which
 * ffmpeg reports and exits on. A player that starts before its publisher,
 * within the wait, plays the stream byte for byte (framemd5), and a `playing`
 * event marks the publisher's arrival.
 */
import { compareWithSource, framemd5OfFile, parseFramemd5, playFramemd5, publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitForEvent, waitUntil } from './helpers/server';
import type { DisconnectEvent, PlayEvent, PlayingEvent, RtmpServer } from '../../lib';

describe('play wait: nobody publishes', () => {
  let server: RtmpServer;
  let url: (p: string) => string;
  beforeAll(async () => {
    ({ server, url } = await startServer({ streams: { playWaitMs: 1_000 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 500 });
  });

  it('answers StreamNotFound after the wait; ffmpeg exits with the reason', async () => {
    const played = waitForEvent<PlayEvent>(server, 'play', (e) => e.path === 'live/nobody');
    const gone = waitForEvent<DisconnectEvent>(server, 'disconnect', (e) => e.path === 'live/nobody');
    const player = playFramemd5(url('live/nobody'), { timeoutMs: 20_000 });
    const play = await played;
    expect(play.waiting).toBe(true);
    const waitingNow = server.sessions().find((s) => s.id === play.sessionId);
    // Housekeeping is once a second: the session may already be gone, never un-waiting.
    expect(waitingNow?.waiting ?? true).toBe(true);

    const code = await player.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBe('timeout');
    expect(player.stderr()).toContain('live/nobody was not published within 1 s');
    const disconnect = await gone;
    expect(disconnect.reason).toContain('was not published within 1 s');
  });
});

describe('play wait: 0', () => {
  let server: RtmpServer;
  let url: (p: string) => string;
  beforeAll(async () => {
    ({ server, url } = await startServer({ streams: { playWaitMs: 0 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 500 });
  });

  it('answers StreamNotFound at once, with no play event', async () => {
    const plays: PlayEvent[] = [];
    server.on('play', (e) => plays.push(e));
    const gone = waitForEvent<DisconnectEvent>(server, 'disconnect', (e) => e.path === 'live/nobody');
    const player = playFramemd5(url('live/nobody'), { timeoutMs: 20_000 });
    expect(await player.exited).not.toBe(0);
    expect(player.stderr()).toContain('live/nobody is not live');
    expect((await gone).reason).toContain('is not live');
    expect(plays).toEqual([]);
  });
});

describe('play wait: a player that starts before its publisher', () => {
  let server: RtmpServer;
  let url: (p: string) => string;
  beforeAll(async () => {
    ({ server, url } = await startServer({ streams: { playWaitMs: 20_000 } }));
  });
  afterEach(() => stopAll());
  afterAll(async () => {
    stopAll();
    await server.close({ graceMs: 500 });
  });

  it('waits, then plays the stream as published', async () => {
    const clip = makeClip({ seconds: 6, gop: 30 });
    const source = await framemd5OfFile(clip.file);
    const played = waitForEvent<PlayEvent>(server, 'play', (e) => e.path === 'live/late');
    const player = playFramemd5(url('live/late'), { seconds: 2, timeoutMs: 30_000 });
    const play = await played;
    expect(play.waiting).toBe(true);
    await waitUntil(() => server.sessions().some((s) => s.id === play.sessionId && s.waiting), 'the player to be listed as waiting');

    const playing = waitForEvent<PlayingEvent>(server, 'playing', (e) => e.sessionId === play.sessionId);
    const pub = publish(clip.file, url('live/late'), { loop: true });
    const arrived = await playing;
    expect(arrived.waitedMs).toBeGreaterThan(0);
    expect(server.sessions().find((s) => s.id === play.sessionId)?.waiting).toBe(false);

    expect(await player.exited).toBe(0);
    const got = parseFramemd5(player.stdout());
    expect(got.length).toBeGreaterThan(0);
    expect(compareWithSource(source, got)).toBeNull();
    pub.child.kill('SIGTERM');
  });

  it('does not wait for a stream that is live', async () => {
    const clip = makeClip({ seconds: 4, gop: 30 });
    const started = waitForEvent(server, 'publish', (e: any) => e.path === 'live/live');
    const pub = publish(clip.file, url('live/live'), { loop: true });
    await started;
    const played = waitForEvent<PlayEvent>(server, 'play', (e) => e.path === 'live/live');
    const player = playFramemd5(url('live/live'), { seconds: 1, timeoutMs: 30_000 });
    expect((await played).waiting).toBe(false);
    expect(await player.exited).toBe(0);
    pub.child.kill('SIGTERM');
  });
});
