/**
 * Helpers for the handler over HlsBytes (one Buffer, or a segment's part
 * Buffers in order): total length and a byte range, without concatenating.
 */
import type { HlsBytes } from './view';

export function byteLength(bytes: HlsBytes): number {
  if (Buffer.isBuffer(bytes)) return bytes.length;
  let n = 0;
  for (const b of bytes) n += b.length;
  return n;
}

/**
 * Bytes [start, end) as views of the stored Buffers (no copy), for a Range
 * request (RFC 9110 §14). `end` is exclusive and clamped to the length.
 */
export function sliceBytes(bytes: HlsBytes, start: number, end: number): Buffer[] {
  const list = Buffer.isBuffer(bytes) ? [bytes] : bytes;
  const out: Buffer[] = [];
  let offset = 0;
  for (const b of list) {
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, b.length);
    if (from < to) out.push(from === 0 && to === b.length ? b : b.subarray(from, to));
    offset += b.length;
    if (offset >= end) break;
  }
  return out;
}
