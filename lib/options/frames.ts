/** `frames`: the decoder pool behind server.frames() and server.snapshot(). */
import { z } from 'zod';

import { int } from './common';

/**
 * Hardware device types some FFmpeg release knows (`av_hwdevice_get_type_name`),
 * whether or not the FFmpeg the engine runs with was built with them: a type
 * missing there falls back to software with a warning, it is not an error. The
 * engine checks the same list (native/decode/hw_device.h).
 */
export const HWACCEL_DEVICE_TYPES = [
  'cuda',
  'd3d11va',
  'd3d12va',
  'drm',
  'dxva2',
  'mediacodec',
  'opencl',
  'qsv',
  'vaapi',
  'vdpau',
  'videotoolbox',
  'vulkan',
] as const;

export type HwaccelDeviceType = (typeof HWACCEL_DEVICE_TYPES)[number];
export type Hwaccel = 'none' | 'auto' | HwaccelDeviceType;

const HWACCEL_VALUES = ['none', 'auto', ...HWACCEL_DEVICE_TYPES] as const;

const FRAME_BUFFER_KINDS = ['pool', 'external'] as const;
export type FrameBuffers = (typeof FRAME_BUFFER_KINDS)[number];

export interface FramesOptions {
  /** Decoder pool threads (one stream decodes on one thread at a time). Default 0: one per CPU core. */
  decoderThreads?: number;
  /**
   * Hardware video decode, never required. `'none'` (default): software only.
   * `'auto'`: the first device that opens, else software (logged at info).
   * A device type (`'vaapi'`, `'cuda'`, ...): that one; if it cannot be opened,
   * software with a warning. Decoded pictures are copied to system memory
   * before conversion, so frames have the same formats and layout either way.
   */
  hwaccel?: Hwaccel;
  /**
   * Which device of that type (`'/dev/dri/renderD128'`, a CUDA index, ...).
   * Default `''`: FFmpeg's default device of the type.
   */
  hwaccelDevice?: string;
  /**
   * Where decoded frames are delivered. `'pool'` (default): a recycled pool of
   * buffers allocated by JS. `'external'`: native memory handed to JS as
   * external ArrayBuffers (release() detaches them); measured no faster than
   * the pool (docs/PERF.md), so not recommended. Runtimes that refuse external
   * ArrayBuffers (Electron 21+) use the pool, with one warning.
   */
  buffers?: FrameBuffers;
}

export const FRAMES_DEFAULTS: Readonly<Required<FramesOptions>> = Object.freeze({
  decoderThreads: 0,
  hwaccel: 'none',
  hwaccelDevice: '',
  buffers: 'pool',
});

const hwaccelMessage = `must be one of ${HWACCEL_VALUES.map((v) => `"${v}"`).join(', ')}`;

export const framesSchema = z
  .object({
    decoderThreads: int(0, 256).default(FRAMES_DEFAULTS.decoderThreads),
    hwaccel: z
      .enum(HWACCEL_VALUES, { errorMap: () => ({ message: hwaccelMessage }) })
      .default(FRAMES_DEFAULTS.hwaccel),
    hwaccelDevice: z
      .string({ invalid_type_error: 'must be a string: a device path or index, "" for the default' })
      .max(4096, { message: 'must be at most 4096 characters' })
      .refine((s) => !s.includes('\0'), { message: 'must not contain a NUL character' })
      .default(FRAMES_DEFAULTS.hwaccelDevice),
    buffers: z
      .enum(FRAME_BUFFER_KINDS, { errorMap: () => ({ message: 'must be "pool" or "external"' }) })
      .default(FRAMES_DEFAULTS.buffers),
  })
  .strict()
  .default({});
