import type { NativeCodec, NativeEvent } from '../../types/native';

export function emptyCodec(overrides: Partial<NativeCodec> = {}): NativeCodec {
  return {
    videoCodec: '',
    width: 0,
    height: 0,
    fps: 0,
    videoProfile: '',
    videoLevel: '',
    videoBitrateKbps: 0,
    audioCodec: '',
    audioSampleRate: 0,
    audioChannels: 0,
    audioProfile: '',
    audioBitrateKbps: 0,
    ...overrides,
  };
}

/** A native event as the binding builds it: every field present. */
export function nativeEvent(overrides: Partial<NativeEvent> & Pick<NativeEvent, 'kind'>): NativeEvent {
  return {
    sessionId: 1,
    ip: '127.0.0.1',
    port: 50000,
    tls: false,
    app: 'live',
    stream: '',
    query: '',
    tcUrl: '',
    flashVer: '',
    reason: '',
    code: '',
    level: 0,
    component: '',
    bytesIn: 0,
    bytesOut: 0,
    action: '',
    requestId: 0,
    swfUrl: '',
    pageUrl: '',
    ...overrides,
    codec: overrides.codec ?? emptyCodec(),
  };
}
