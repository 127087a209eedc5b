/**
 * The `frames` options section (the decoder pool): its default, its bounds
 * with a readable message, and the flat field the engine reads.
 */
import { toNativeConfig } from '../lib/native-config';
import { FRAMES_DEFAULTS, resolveOptions } from '../lib/options';

describe('frames options', () => {
  it('defaults to one decoder thread per core (0) and sends it to the engine', () => {
    const o = resolveOptions({});
    expect(o.frames).toEqual({ decoderThreads: 0 });
    expect(FRAMES_DEFAULTS.decoderThreads).toBe(0);
    expect(toNativeConfig(o).decoderThreads).toBe(0);
    expect(toNativeConfig(resolveOptions({ frames: { decoderThreads: 3 } })).decoderThreads).toBe(3);
  });

  it('rejects a bad thread count and a misspelled key with ERR_RTMP_INVALID_OPTIONS', () => {
    for (const bad of [-1, 257, 1.5, '2']) {
      expect(() => resolveOptions({ frames: { decoderThreads: bad } })).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(/frames\.decoderThreads/) }),
      );
    }
    expect(() => resolveOptions({ frames: { decoderThread: 2 } })).toThrow(
      expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(/decoderThreads/) }),
    );
  });
});
