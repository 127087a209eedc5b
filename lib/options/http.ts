/** `http`: accepted and stored; served in a later release. Off (false) by default. */
import { z } from 'zod';

import { hostSchema, portSchema } from './common';

export interface HttpOptions {
  /** Default 8000. */
  port?: number;
  /** Default "0.0.0.0". */
  host?: string;
}

/** Defaults of an `http` object. */
export const HTTP_DEFAULTS: Readonly<Required<HttpOptions>> = Object.freeze({
  port: 8000,
  host: '0.0.0.0',
});

const httpObject = z
  .object({
    port: portSchema.default(HTTP_DEFAULTS.port),
    host: hostSchema.default(HTTP_DEFAULTS.host),
  })
  .strict();

export const httpSchema = z
  .union([z.literal(false), httpObject], {
    errorMap: () => ({ message: 'must be false or { port, host }' }),
  })
  .default(false);
