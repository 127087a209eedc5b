/**
 * The `frames` options section (the decoder pool): its defaults, its bounds
 * with a readable message, and the flat fields the engine reads.
 */
import { toNativeConfig } from '../lib/native-config';
import { FRAMES_DEFAULTS, resolveOptions } from '../lib/options';
import { HWACCEL_DEVICE_TYPES } from '../lib/options/frames';

describe('frames options', () => {
  it('defaults to one decoder thread per core (0), software decode, and sends them to the engine', () => {
    const o = resolveOptions({});
    expect(o.frames).toEqual({ decoderThreads: 0, hwaccel: 'none', hwaccelDevice: '', buffers: 'pool' });
    expect(toNativeConfig(o).frameBuffers).toBe('pool');
    expect(FRAMES_DEFAULTS.decoderThreads).toBe(0);
    expect(toNativeConfig(o).decoderThreads).toBe(0);
    expect(toNativeConfig(o).hwaccel).toBe('none');
    expect(toNativeConfig(o).hwaccelDevice).toBe('');
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

  it('accepts hwaccel none, auto and every FFmpeg device type name, with a device', () => {
    for (const hwaccel of ['none', 'auto', ...HWACCEL_DEVICE_TYPES] as const) {
      const native = toNativeConfig(resolveOptions({ frames: { hwaccel, hwaccelDevice: '/dev/dri/renderD128' } }));
      expect({ hwaccel: native.hwaccel, hwaccelDevice: native.hwaccelDevice }).toEqual({
        hwaccel,
        hwaccelDevice: '/dev/dri/renderD128',
      });
    }
    // What Debian's FFmpeg 5.1 was built with (ffmpeg -hwaccels) is among them.
    for (const built of ['vdpau', 'cuda', 'vaapi', 'qsv', 'drm', 'opencl', 'vulkan']) {
      expect(HWACCEL_DEVICE_TYPES).toContain(built);
    }
  });

  it('refuses an unknown hwaccel with the accepted names, and a device that is not a string', () => {
    for (const bad of ['gpu', 'VAAPI', 'nvdec', '', true, 1]) {
      expect(() => resolveOptions({ frames: { hwaccel: bad } })).toThrow(
        expect.objectContaining({
          code: 'ERR_RTMP_INVALID_OPTIONS',
          message: expect.stringMatching(/frames\.hwaccel.*"none", "auto", "cuda".*"vaapi"/),
        }),
      );
    }
    for (const bad of [0, null, 'a\0b']) {
      expect(() => resolveOptions({ frames: { hwaccel: 'vaapi', hwaccelDevice: bad } })).toThrow(
        expect.objectContaining({ code: 'ERR_RTMP_INVALID_OPTIONS', message: expect.stringMatching(/frames\.hwaccelDevice/) }),
      );
    }
  });

  it('takes buffers "pool" or "external" and refuses anything else with both names', () => {
    for (const buffers of ['pool', 'external'] as const) {
      expect(toNativeConfig(resolveOptions({ frames: { buffers } })).frameBuffers).toBe(buffers);
    }
    for (const bad of ['External', 'heap', '', true, 0, null]) {
      expect(() => resolveOptions({ frames: { buffers: bad } })).toThrow(
        expect.objectContaining({
          code: 'ERR_RTMP_INVALID_OPTIONS',
          message: expect.stringMatching(/frames\.buffers.*"pool" or "external"/),
        }),
      );
    }
  });
});
