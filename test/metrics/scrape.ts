/** Scraping a server's /metrics in tests, and the naming rules every family must follow. */
import * as http from 'http';

import { type Family, parsePrometheusText } from './prom-text-parser';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpGet(url: string, options: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** GET /metrics, expect 200, parse strictly and check the naming rules. */
export async function scrape(httpPort: number, headers: http.OutgoingHttpHeaders = {}): Promise<Map<string, Family>> {
  const answer = await httpGet(`http://127.0.0.1:${httpPort}/metrics`, { headers });
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}: ${answer.body}`);
  const families = parsePrometheusText(answer.body);
  checkNaming(families);
  return families;
}

/**
 * Prometheus naming (https://prometheus.io/docs/practices/naming/): every
 * family has HELP and TYPE; ours are prefixed rtmp_engine_; of ours, counters
 * end in _total and nothing else does, in base units only (no _ms, _kb).
 * prom-client's own process_/nodejs_ families are only parsed (some of its
 * gauges end in _total, e.g. nodejs_active_handles_total).
 */
export function checkNaming(families: Map<string, Family>): void {
  for (const f of families.values()) {
    if (f.help === undefined || f.help === '') throw new Error(`${f.name} has no HELP`);
    if (f.type === 'untyped') throw new Error(`${f.name} has no TYPE`);
    if (/^(process|nodejs)_/.test(f.name)) continue;
    if (!f.name.startsWith('rtmp_engine_')) throw new Error(`${f.name}: neither rtmp_engine_* nor a prom-client default metric`);
    if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`counter ${f.name} does not end in _total`);
    if (f.type !== 'counter' && f.name.endsWith('_total')) throw new Error(`${f.type} ${f.name} ends in _total`);
    if (/_(ms|millis|milliseconds|kb|kbps|mb|percent)(_|$)/.test(f.name)) throw new Error(`${f.name} is not in base units`);
  }
}

/** The sum of every sample of `name` whose labels include `where`. */
export function sumOf(families: Map<string, Family>, name: string, where: Record<string, string> = {}): number {
  let total = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(where).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
  }
  return total;
}

/** Every value of label `label` over the samples of `name`. */
export function labelValues(families: Map<string, Family>, name: string, label: string): string[] {
  const values: string[] = [];
  for (const f of families.values()) {
    for (const s of f.samples) if (s.name === name && s.labels[label] !== undefined) values.push(s.labels[label] as string);
  }
  return values;
}
