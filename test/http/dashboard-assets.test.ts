/**
 * The dashboard's files as the page handler serves them: every module it
 * imports is served (a missing one would break the page with no server
 * error), the page names only served assets, and it runs with no inline script.
 */
import * as fs from 'fs';
import * as path from 'path';

import { createPageHandler } from '../../lib/http/page';
import { renderDashboardPage } from '../../lib/http/page/dashboard-html';
import { ASSET_NAMES, DASHBOARD_MODULES, staticAsset } from '../../lib/http/page/static-assets';

const PUBLIC = path.join(__dirname, '..', '..', 'lib', 'http', 'page', 'public');

test('every module of the dashboard is served, and every import names one of them', () => {
  const own = fs.readdirSync(PUBLIC).filter((f) => f.endsWith('.js') && (f === 'dashboard.js' || f.startsWith('dash-')));
  expect([...DASHBOARD_MODULES].sort()).toEqual(own.sort());
  for (const name of DASHBOARD_MODULES) {
    const text = (staticAsset(name) as { body: Buffer }).body.toString();
    const imports = [...text.matchAll(/^import .* from '\.\/([^']+)';$/gm)].map((m) => m[1]);
    for (const target of imports) expect({ name, target, served: ASSET_NAMES.includes(target as string) }).toEqual({ name, target, served: true });
  }
});

test('the page links only assets the handler serves, with their version, and no inline script or style', () => {
  const html = renderDashboardPage(
    { title: 'rtmp-engine', basePath: '', mediaBase: '', adminBase: '/api/v1', asset: (n) => `/static/${n}?v=${staticAsset(n)?.hash}` },
    [],
  );
  const linked = [...html.matchAll(/(?:src|href)="\/static\/([^"?]+)\?v=([0-9a-f]{16})"/g)].map((m) => m[1]);
  expect(linked.sort()).toEqual(['dashboard.css', 'dashboard.js', 'hls.min.js', 'live-catch-up.js', 'page.css', 'uPlot.iife.min.js', 'uPlot.min.css']);
  expect(html).not.toMatch(/<script>|<style|style="/);
  expect(html).toContain('data-admin="/api/v1"');
});

test('adminBase reaches the page; a bad one is refused', async () => {
  expect(() => createPageHandler({ listStreams: () => [], adminBase: 'api' })).toThrow(/adminBase must be/);
  const handler = createPageHandler({ listStreams: () => [], adminBase: '/ops/api/v1/' });
  let body = '';
  const res = {
    writeHead: () => res,
    end: (b?: Buffer) => {
      body = b ? b.toString() : '';
    },
  };
  await handler({ method: 'GET', url: '/', headers: {} } as never, res as never);
  expect(body).toContain('data-admin="/ops/api/v1"');
});
