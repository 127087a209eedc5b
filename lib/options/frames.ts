/** `frames`: the decoder pool behind server.frames() and server.snapshot(). */
import { z } from 'zod';

import { int } from './common';

export interface FramesOptions {
  /** Decoder pool threads (one stream decodes on one thread at a time). Default 0: one per CPU core. */
  decoderThreads?: number;
}

export const FRAMES_DEFAULTS: Readonly<Required<FramesOptions>> = Object.freeze({
  decoderThreads: 0,
});

export const framesSchema = z
  .object({
    decoderThreads: int(0, 256).default(FRAMES_DEFAULTS.decoderThreads),
  })
  .strict()
  .default({});
