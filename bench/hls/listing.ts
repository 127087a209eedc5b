/**
 * bench/hls/listing: how soon a finished segment or part is listed, on one clock.
 * - nginx-rtmp: poll the playlist every --poll-ms; when a segment first appears, compare with
 *   the segment file's mtime (nginx writes each frame into the .ts as it arrives, so the last
 *   write is the segment's last frame; it cuts when the next keyframe arrives).
 * - rtmp-engine: blocking reloads for the next part (RFC 8216bis §6.2.5.2), as an LL-HLS
 *   player waits. A part (segment) is listed at the answer. The engine-server's ingest trace
 *   (--trace-ingest) gives, per part and segment item, `arrivedAt` (the engine's wall clock
 *   when the item's last packet reached its HLS tap, whole ms) and `t` (when the item reached
 *   the HLS store): answer − arrivedAt is "listed after its last frame arrived", t − arrivedAt
 *   the segmenter + feed, answer − t "answered after the part exists". For comparison with
 *   earlier runs, also answer − (EXT-X-PROGRAM-DATE-TIME + duration), which is biased by
 *   where the PDT anchor fell (PDT is anchored once, to the first sample's arrival).
 * Also: how long after the publisher started the playlist first answers 200.
 *
 *   node build/bench/js/bench/hls/listing.js --servers nginx,engine --duration 30 \
 *     --out docs/perf/hls-listing.json
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';

import { sleep, stopTracked } from '../fanout/children';
import { lastPart, MediaPlaylist, nextPartAfter, parseMediaPlaylist } from './playlist';
import { machine, quantile, round } from './proc';
import { startPublisher } from './publisher';
import { HlsOrigin, OriginKind, startOrigin } from './servers';

const STREAM = 'live/bench';

/** Wall clock with sub-ms resolution (Date.now() is whole ms). */
export const wallMs = () => performance.timeOrigin + performance.now();

function get(agent: http.Agent, url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export interface Distribution {
  count: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

export function distribution(values: number[]): Distribution | null {
  if (values.length === 0) return null;
  return {
    count: values.length,
    median: round(quantile(values, 0.5), 1),
    p95: round(quantile(values, 0.95), 1),
    min: round(Math.min(...values), 1),
    max: round(Math.max(...values), 1),
  };
}

export interface ListingReport {
  server: OriginKind;
  firstPlaylistMs: number | null; // publisher start → first 200 of the playlist
  segmentListedMs: Distribution | null;
  partListedMs?: Distribution | null;
  /** Blocked reload answered (client clock) − the part's last packet arrived (engine tap). */
  partListedAfterArrivalMs?: Distribution | null;
  segmentListedAfterArrivalMs?: Distribution | null;
  partAnsweredAfterIngestMs?: Distribution | null;
  partIngestAfterCutMs?: Distribution | null;
  /** HlsStore.ingest() of the part − its last packet's arrival at the tap. */
  partIngestAfterArrivalMs?: Distribution | null;
  method: string;
  error?: string;
}

/** Polls until the playlist answers 200; returns the time that took from `since`. */
async function firstPlaylist(agent: http.Agent, url: string, since: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await get(agent, url)).status === 200) return wallMs() - since;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`${url}: no 200 within ${timeoutMs} ms`);
}

async function nginxListing(origin: HlsOrigin, agent: http.Agent, durationS: number, pollMs: number): Promise<number[]> {
  const url = origin.mediaPlaylistUrl(STREAM);
  const seen = new Set<string>();
  const delays: number[] = [];
  let first = true;
  const end = Date.now() + durationS * 1000;
  while (Date.now() < end) {
    const { status, text } = await get(agent, url);
    const at = wallMs();
    if (status === 200) {
      for (const seg of parseMediaPlaylist(text).segments) {
        if (seen.has(seg.uri)) continue;
        seen.add(seg.uri);
        if (first) continue; // listed before we looked: its time is unknown
        const file = path.join(origin.hlsDir as string, path.basename(STREAM), seg.uri);
        const mtimeMs = Number(fs.statSync(file, { bigint: true }).mtimeNs) / 1e6;
        delays.push(at - mtimeMs);
      }
      first = false;
    }
    await sleep(pollMs);
  }
  return delays;
}

interface IngestRecord {
  /** When the item reached HlsStore.ingest() (wall ms, sub-ms). */
  t: number;
  /** The item's arrivedAt (wall ms), when the feed carries it. */
  arrivedAt?: number;
}

/** Ingest times the engine-server traced: key "msn/part" (part -1: the segment item). */
function readIngestTrace(file: string): Map<string, IngestRecord> {
  const out = new Map<string, IngestRecord>();
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line) as { stream: string; segment: number; part: number; t: number; arrivedAt?: number };
    if (rec.stream === STREAM) out.set(`${rec.segment}/${rec.part}`, { t: rec.t, arrivedAt: rec.arrivedAt });
  }
  return out;
}

interface EngineSamples {
  parts: Array<{ msn: number; index: number; listedAt: number; cutAt: number }>;
  /** listedAt − (PDT + duration), and the answer's time per msn. */
  segments: number[];
  segmentsListed: Array<{ msn: number; listedAt: number }>;
}

function blockingUrl(url: string, msn: number, part?: number): string {
  const u = new URL(url);
  u.searchParams.set('_HLS_msn', String(msn));
  if (part !== undefined) u.searchParams.set('_HLS_part', String(part));
  return u.toString();
}

/** Parts: blocking reloads for the next part; the answer lists the part waited for. */
async function engineParts(url: string, agent: http.Agent, end: number, out: EngineSamples): Promise<void> {
  let pl: MediaPlaylist = parseMediaPlaylist((await get(agent, url)).text);
  while (Date.now() < end) {
    const newest = lastPart(pl);
    if (!newest) throw new Error('the media playlist lists no parts (LL-HLS off?)');
    const next = nextPartAfter(pl, newest.msn, newest.index);
    const { status, text } = await get(agent, blockingUrl(url, next.msn, next.part));
    const at = wallMs();
    if (status !== 200) {
      pl = parseMediaPlaylist((await get(agent, url)).text);
      continue;
    }
    pl = parseMediaPlaylist(text);
    // Only the part asked for was waited on (when the segment ended before it, the answer
    // came with the next segment's part 0: no sample).
    const part = pl.parts.find((p) => p.msn === next.msn && p.index === next.part);
    if (part?.programDateTime !== undefined) {
      out.parts.push({ msn: part.msn, index: part.index, listedAt: at, cutAt: part.programDateTime + part.duration * 1000 });
    }
  }
}

/** Segments: blocking reloads for the next whole segment (_HLS_msn alone, §6.2.5.2). */
async function engineSegments(url: string, agent: http.Agent, end: number, out: EngineSamples): Promise<void> {
  let pl: MediaPlaylist = parseMediaPlaylist((await get(agent, url)).text);
  while (Date.now() < end) {
    const next = (pl.segments[pl.segments.length - 1]?.msn ?? pl.mediaSequence - 1) + 1;
    const { status, text } = await get(agent, blockingUrl(url, next));
    const at = wallMs();
    if (status !== 200) {
      pl = parseMediaPlaylist((await get(agent, url)).text);
      continue;
    }
    pl = parseMediaPlaylist(text);
    const seg = pl.segments.find((s) => s.msn === next);
    if (seg?.programDateTime !== undefined) out.segments.push(at - (seg.programDateTime + seg.duration * 1000));
    if (seg) out.segmentsListed.push({ msn: next, listedAt: at });
  }
}

async function engineListing(origin: HlsOrigin, durationS: number): Promise<EngineSamples> {
  const url = origin.mediaPlaylistUrl(STREAM);
  const out: EngineSamples = { parts: [], segments: [], segmentsListed: [] };
  const end = Date.now() + durationS * 1000;
  const agents = [0, 1].map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    await Promise.all([
      engineParts(url, agents[0] as http.Agent, end, out),
      engineSegments(url, agents[1] as http.Agent, end, out),
    ]);
  } finally {
    for (const a of agents) a.destroy();
  }
  return out;
}

async function measureOne(
  server: OriginKind,
  o: { runDir: string; root: string; hls: string; durationS: number; pollMs: number },
): Promise<ListingReport> {
  const trace = path.join(o.runDir, `${server}-ingest.ndjson`);
  const origin = await startOrigin(server, {
    runDir: o.runDir,
    root: o.root,
    hls: JSON.parse(o.hls) as Record<string, unknown>,
    traceIngest: trace,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const started = wallMs();
  const pub = origin.needsPublisher
    ? startPublisher({ url: origin.rtmpUrl(STREAM), logFile: path.join(o.runDir, `${server}-pub.log`) })
    : undefined;
  try {
    const firstPlaylistMs = round(await firstPlaylist(agent, origin.mediaPlaylistUrl(STREAM), started, 30_000), 0);
    await sleep(2500); // past the first segment
    if (server === 'nginx') {
      return {
        server,
        firstPlaylistMs,
        segmentListedMs: distribution(await nginxListing(origin, agent, o.durationS, o.pollMs)),
        method: `poll every ${o.pollMs} ms; listed time − segment file mtime (last frame written)`,
      };
    }
    const s = await engineListing(origin, o.durationS);
    const ingest = readIngestTrace(trace);
    const afterIngest: number[] = [];
    const ingestAfterCut: number[] = [];
    const afterArrival: number[] = [];
    const ingestAfterArrival: number[] = [];
    for (const p of s.parts) {
      const rec = ingest.get(`${p.msn}/${p.index}`);
      if (rec === undefined) continue;
      afterIngest.push(p.listedAt - rec.t);
      ingestAfterCut.push(rec.t - p.cutAt);
      if (rec.arrivedAt !== undefined) {
        afterArrival.push(p.listedAt - rec.arrivedAt);
        ingestAfterArrival.push(rec.t - rec.arrivedAt);
      }
    }
    const segmentAfterArrival: number[] = [];
    for (const seg of s.segmentsListed) {
      const arrivedAt = ingest.get(`${seg.msn}/-1`)?.arrivedAt;
      if (arrivedAt !== undefined) segmentAfterArrival.push(seg.listedAt - arrivedAt);
    }
    return {
      server,
      firstPlaylistMs,
      segmentListedMs: distribution(s.segments),
      partListedMs: distribution(s.parts.map((p) => p.listedAt - p.cutAt)),
      partListedAfterArrivalMs: distribution(afterArrival),
      segmentListedAfterArrivalMs: distribution(segmentAfterArrival),
      partAnsweredAfterIngestMs: distribution(afterIngest),
      partIngestAfterCutMs: distribution(ingestAfterCut),
      partIngestAfterArrivalMs: distribution(ingestAfterArrival),
      method:
        'blocking reloads for the next part (and, beside, for the next segment); ' +
        'answer time − arrivedAt (the item\'s last packet at the engine\'s HLS tap, whole ms); ' +
        'also answer time − (PROGRAM-DATE-TIME + duration), biased by the PDT anchor; ' +
        'ingest = HlsStore.ingest() of the part item in the server process',
    };
  } finally {
    agent.destroy();
    if (pub) await stopTracked(pub, 2000);
    await origin.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      servers: { type: 'string', default: 'nginx,engine' },
      duration: { type: 'string', default: '30' },
      'poll-ms': { type: 'string', default: '5' },
      root: { type: 'string', default: path.resolve(__dirname, '../../../../..') },
      hls: { type: 'string', default: '{}' },
      out: { type: 'string' },
      timeout: { type: 'string', default: '600' },
    },
  });
  const timer = setTimeout(() => {
    process.stderr.write(`hls-listing: --timeout ${values.timeout} s reached\n`);
    process.exit(2);
  }, Number(values.timeout) * 1000);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hls-listing-'));
  const reports: ListingReport[] = [];
  for (const server of values.servers.split(',') as OriginKind[]) {
    try {
      reports.push(
        await measureOne(server, {
          runDir,
          root: values.root,
          hls: values.hls,
          durationS: Number(values.duration),
          pollMs: Number(values['poll-ms']),
        }),
      );
    } catch (err) {
      reports.push({ server, firstPlaylistMs: null, segmentListedMs: null, method: '', error: (err as Error).message });
    }
    process.stderr.write(`hls-listing: ${JSON.stringify(reports[reports.length - 1])}\n`);
  }
  clearTimeout(timer);
  const out = { tool: 'hls-listing', date: new Date().toISOString(), machine: machine(), options: values, reports };
  if (values.out) fs.writeFileSync(values.out, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`hls-listing: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
