/** Schema pieces shared by several option sections. */
import { isIP } from 'net';
import { z } from 'zod';

export const MiB = 1024 * 1024;
export const U32_MAX = 0xffffffff;

/** An integer in [min, max] with one readable message for every way to miss. */
export function int(min: number, max: number, what = 'an integer'): z.ZodNumber {
  const message = `must be ${what} in ${min}..${max}`;
  return z
    .number({ invalid_type_error: message, required_error: message })
    .int({ message })
    .min(min, { message })
    .max(max, { message });
}

export const portSchema = int(0, 65535, 'a port number: an integer').describe('port');

export const hostSchema = z
  .string({ invalid_type_error: 'must be a string: an IPv4 or IPv6 address' })
  .transform((h) => (h === 'localhost' ? '127.0.0.1' : h))
  .refine((h) => isIP(h) !== 0, {
    message: 'must be an IPv4 or IPv6 address such as "0.0.0.0", "127.0.0.1" or "::" (names are not resolved)',
  });

export const allowOrDeny = z.enum(['deny', 'allow'], { errorMap: () => ({ message: 'must be "deny" or "allow"' }) });
