/**
 * Where a `node --cpu-prof` profile's time went: busy time (all but idle), the functions with
 * the most self time, and self time per source file. Used on the origins of capacity.js run
 * with --profile-dir (docs/PERF.md, "Node's own floor").
 *
 *   node build/bench/js/bench/hls/profile-summary.js DIR/CPU.*.cpuprofile [--top 20]
 */
import * as fs from 'fs';
import { parseArgs } from 'util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function addTo(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function fileOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url.includes('/dist/lib/')) return `dist/lib/${url.split('/dist/lib/')[1]}`;
  if (url.startsWith('node:')) return url;
  if (url) return url.split('/').slice(-2).join('/');
  return functionName.startsWith('(') ? functionName : `(${functionName || 'native'})`;
}

function summarize(file: string, top: number): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let idle = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      return;
    }
    addTo(byFunction, `${functionName || '(anonymous)'} ${url ? `${fileOf(node.callFrame)}:${lineNumber}` : ''}`.trim(), us);
    addTo(byFile, fileOf(node.callFrame), us);
  });
  const busy = total - idle;
  const rows = (map: Map<string, number>): string[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `| ${k} | ${(us / 1000).toFixed(1)} | ${((100 * us) / busy).toFixed(1)} |`);
  return [
    `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1000).toFixed(0)} ms busy`,
    '',
    '| function (self time) | ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(byFunction),
    '',
    '| file (self time) | ms | % of busy |',
    '| --- | ---: | ---: |',
    ...rows(byFile),
    '',
  ].join('\n');
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '20' } }, allowPositionals: true });
if (positionals.length === 0) {
  process.stderr.write('usage: profile-summary.js PROFILE.cpuprofile… [--top N]\n');
  process.exit(2);
}
for (const file of positionals) process.stdout.write(`${summarize(file, Number(values.top))}\n`);
