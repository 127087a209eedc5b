/**
 * Common Media Client Data (CTA-5004) as players send it with their requests:
 * the `CMCD` query parameter (keys joined by commas, URL-encoded) or the four
 * CMCD-Request/-Object/-Status/-Session headers. Only what a viewer session
 * keeps is read: sid (the session), bl (buffer length, ms), br (encoded
 * bitrate, kbps), mtp (measured throughput, kbps) and bs (the buffer starved
 * since the previous request). Malformed values are ignored, never thrown.
 */
import type { IncomingMessage } from 'http';

export interface CmcdReport {
  sid?: string;
  bufferMs?: number;
  bitrateKbps?: number;
  throughputKbps?: number;
  starved: boolean;
}

const HEADERS = ['cmcd-request', 'cmcd-object', 'cmcd-status', 'cmcd-session'] as const;
const MAX_CMCD_LENGTH = 2_048;

/** Whether a request carries CMCD at all (cheap: no parsing). */
export function hasCmcd(url: string, req: IncomingMessage): boolean {
  if (url.includes('CMCD=')) return true;
  const h = req.headers;
  return h['cmcd-request'] !== undefined || h['cmcd-status'] !== undefined || h['cmcd-session'] !== undefined;
}

/** key=value pairs (a bare key is `true`); strings keep their quotes stripped. */
function pairs(text: string, into: Map<string, string | true>): void {
  if (text.length > MAX_CMCD_LENGTH) return;
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    const key = (eq === -1 ? item : item.slice(0, eq)).trim();
    if (!/^[a-z-]{1,20}$/.test(key)) continue;
    if (eq === -1) {
      into.set(key, true);
      continue;
    }
    let value = item.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    into.set(key, value);
  }
}

function number(v: string | true | undefined): number | undefined {
  if (typeof v !== 'string' || !/^\d{1,12}$/.test(v)) return undefined;
  return Number(v);
}

export function parseCmcd(query: URLSearchParams, req: IncomingMessage): CmcdReport {
  const keys = new Map<string, string | true>();
  const fromQuery = query.get('CMCD');
  if (fromQuery !== null) pairs(fromQuery, keys);
  for (const name of HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') pairs(value, keys);
  }
  const sid = keys.get('sid');
  const report: CmcdReport = { starved: keys.get('bs') === true };
  if (typeof sid === 'string' && /^[A-Za-z0-9_.:-]{8,64}$/.test(sid)) report.sid = sid;
  const bl = number(keys.get('bl'));
  const br = number(keys.get('br'));
  const mtp = number(keys.get('mtp'));
  if (bl !== undefined) report.bufferMs = bl;
  if (br !== undefined) report.bitrateKbps = br;
  if (mtp !== undefined) report.throughputKbps = mtp;
  return report;
}
