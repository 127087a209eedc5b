import { RtmpEngineError } from '../lib/errors';
import { toServerEvent } from '../lib/events';
import { emptyCodec, nativeEvent } from './helpers/native-event';

describe('toServerEvent', () => {
  it('maps connect with the base fields and parsed query', () => {
    const ev = toServerEvent(
      nativeEvent({
        kind: 'connect',
        sessionId: 7,
        ip: '10.0.0.2',
        port: 51000,
        app: 'live',
        query: 'token=abc&x=1',
        tcUrl: 'rtmp://h/live?token=abc',
        flashVer: 'FMLE/3.0',
      }),
    );
    expect(ev).toEqual({
      name: 'connect',
      payload: {
        sessionId: 7,
        ip: '10.0.0.2',
        port: 51000,
        app: 'live',
        stream: '',
        path: 'live',
        query: { token: 'abc', x: '1' },
        tcUrl: 'rtmp://h/live?token=abc',
        flashVer: 'FMLE/3.0',
      },
    });
  });

  it('builds path as app/stream', () => {
    const ev = toServerEvent(nativeEvent({ kind: 'play', app: 'live', stream: 'cam1' }));
    expect(ev.payload).toMatchObject({ path: 'live/cam1', stream: 'cam1' });
  });

  it('says whether a player waits for a publisher, and how long it waited', () => {
    expect(toServerEvent(nativeEvent({ kind: 'play', stream: 'cam', waiting: true })).payload).toMatchObject({ waiting: true });
    expect(toServerEvent(nativeEvent({ kind: 'play', stream: 'cam' })).payload).toMatchObject({ waiting: false });
    const playing = toServerEvent(nativeEvent({ kind: 'playing', stream: 'cam', waitedMs: 1500 }));
    expect(playing).toMatchObject({ name: 'playing', payload: { path: 'live/cam', waitedMs: 1500 } });
  });

  it('maps publish codec info, unknown values as null', () => {
    const ev = toServerEvent(
      nativeEvent({
        kind: 'publish',
        stream: 'cam',
        codec: emptyCodec({
          videoCodec: 'H264',
          width: 1280,
          height: 720,
          fps: 30,
          videoProfile: 'High',
          videoLevel: '3.1',
          audioCodec: 'AAC',
          audioSampleRate: 48000,
          audioChannels: 2,
          audioProfile: 'LC',
          audioBitrateKbps: 128,
          encoder: 'obs-output module (libobs version 30.1.2)',
        }),
      }),
    );
    expect(ev.name).toBe('publish');
    expect(ev.name === 'publish' && ev.payload.codec).toEqual({
      video: { codec: 'H264', width: 1280, height: 720, fps: 30, profile: 'High', level: '3.1', bitrateKbps: null },
      audio: { codec: 'AAC', sampleRate: 48000, channels: 2, profile: 'LC', bitrateKbps: 128 },
      encoder: 'obs-output module (libobs version 30.1.2)',
    });
  });

  it('gives null tracks while codecs are unknown', () => {
    const ev = toServerEvent(nativeEvent({ kind: 'metadata', stream: 'cam' }));
    expect(ev.name === 'metadata' && ev.payload.codec).toEqual({ video: null, audio: null, encoder: null });
  });

  it('maps disconnect with reason and byte counts', () => {
    const ev = toServerEvent(
      nativeEvent({ kind: 'disconnect', stream: 'cam', reason: 'peer closed', bytesIn: 10, bytesOut: 20 }),
    );
    expect(ev.payload).toMatchObject({ reason: 'peer closed', bytesIn: 10, bytesOut: 20, path: 'live/cam' });
  });

  it('maps unpublish and stop with byte counts', () => {
    expect(toServerEvent(nativeEvent({ kind: 'unpublish', bytesIn: 5 })).payload).toMatchObject({ bytesIn: 5 });
    expect(toServerEvent(nativeEvent({ kind: 'stop', bytesOut: 6 })).payload).toMatchObject({ bytesOut: 6 });
  });

  it('maps error to an RtmpEngineError carrying the session fields', () => {
    const ev = toServerEvent(
      nativeEvent({ kind: 'error', sessionId: 3, code: 'ERR_RTMP_MALFORMED', reason: 'chunk header: bad' }),
    );
    expect(ev.name).toBe('error');
    expect(ev.payload).toBeInstanceOf(RtmpEngineError);
    expect(ev.payload).toMatchObject({ code: 'ERR_RTMP_MALFORMED', message: 'chunk header: bad', sessionId: 3 });
  });

  it('defaults an error without a code to ERR_RTMP_INTERNAL', () => {
    expect(toServerEvent(nativeEvent({ kind: 'error' })).payload).toMatchObject({ code: 'ERR_RTMP_INTERNAL' });
  });

  it('maps a native log line', () => {
    const ev = toServerEvent(nativeEvent({ kind: 'log', sessionId: 0, level: 40, message: 'slow', component: 'net' }));
    expect(ev).toEqual({
      name: 'log',
      payload: { level: 'warn', msg: 'slow', component: 'net', sessionId: null, stream: null, remote: null },
    });
  });

  it('keeps the context of a session log line: session id, stream path, remote address', () => {
    const ev = toServerEvent(
      nativeEvent({ kind: 'log', sessionId: 9, level: 20, message: 'x', app: 'live', stream: 'cam', ip: '10.0.0.1', port: 4000 }),
    );
    expect(ev.payload).toEqual({
      level: 'debug',
      msg: 'x',
      component: '',
      sessionId: 9,
      stream: 'live/cam',
      remote: '10.0.0.1:4000',
    });
  });

  it('gives a log line before publish/play the app as its stream', () => {
    const ev = toServerEvent(nativeEvent({ kind: 'log', sessionId: 9, app: 'live', ip: '10.0.0.1', port: 1 }));
    expect(ev.payload).toMatchObject({ stream: 'live' });
  });
});
