import type { NativeCodec, NativeEvent, NativeEventHeader, NativeEventKind, NativeEventOf } from '../../types/native';

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
    encoder: '',
    ...overrides,
  };
}

const header: NativeEventHeader = { sessionId: 1, ip: '127.0.0.1', port: 50000, tls: false, app: 'live', stream: '', query: '' };
const totals = { bytesIn: 0, bytesOut: 0 };

/** Each kind's fields as the binding builds them, with neutral values. */
function defaults(kind: NativeEventKind): NativeEvent {
  switch (kind) {
    case 'connect':
      return { kind, ...header, tcUrl: '', flashVer: '' };
    case 'publish':
    case 'metadata':
      return { kind, ...header, codec: emptyCodec() };
    case 'unpublish':
    case 'stop':
      return { kind, ...header, ...totals, reason: '' };
    case 'play':
      return { kind, ...header, waiting: false };
    case 'playing':
      return { kind, ...header, waitedMs: 0 };
    case 'disconnect':
      return { kind, ...header, ...totals, reason: '', code: '' };
    case 'error':
      return { kind, ...header, code: '', reason: '' };
    case 'log':
      return { kind, level: 30, component: '', message: '', sessionId: 0, app: '', stream: '', ip: '', port: 0 };
    case 'authorize':
      return {
        kind,
        ...header,
        action: 'publish',
        requestId: 1,
        tcUrl: '',
        flashVer: '',
        swfUrl: '',
        pageUrl: '',
      };
  }
}

/** A native event of one kind as the binding builds it: exactly that kind's fields. */
export function nativeEvent<K extends NativeEventKind>(
  overrides: Partial<NativeEventOf<K>> & { kind: K },
): NativeEventOf<K> {
  return { ...defaults(overrides.kind), ...overrides } as NativeEventOf<K>;
}
