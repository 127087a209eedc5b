// Refusals by limit come from the engine's own counters (atomics, read on
// scrape): a connect over maxConnections, a publish over maxPublishers and a
// connection from an address banned after failed authorizations each show
// under their limit, and nothing else moves.
import { waitUntil } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { scrape, sumOf } from './scrape';

jest.setTimeout(60_000);

const clients: RtmpTestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await closeAllTestServers();
});

describeWithAddon('rtmp_engine_limit_refusals_total', () => {
  it('counts each refusal under its limit', async () => {
    const server = testServer({
      http: { host: '127.0.0.1', port: 0 },
      hls: false,
      limits: { maxConnections: 2, maxPublishers: 1 },
      auth: { maxFailures: 1, banMs: 60_000, exemptCidrs: [] }, // loopback is exempt by default
    });
    server.authorize((req) => (req.name === 'bad' ? { allow: false, reason: 'no' } : { allow: true }));
    const { port, http } = await server.listen();
    const before = await scrape(http as number);
    expect(sumOf(before, 'rtmp_engine_limit_refusals_total')).toBe(0);

    const a = await RtmpTestClient.connect(port, 'live');
    clients.push(a);
    await a.publish('one');
    const b = await RtmpTestClient.connect(port, 'live');
    clients.push(b);
    expect(String((await b.publish('two')).code)).toBe('NetStream.Publish.Denied'); // maxPublishers 1
    await b.closed;
    const c = await RtmpTestClient.connect(port, 'live');
    clients.push(c);
    await expect(RtmpTestClient.connect(port, 'live')).rejects.toThrow(/connect refused/); // maxConnections 2
    let families = await scrape(http as number);
    expect(sumOf(families, 'rtmp_engine_limit_refusals_total', { limit: 'publishers' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_limit_refusals_total', { limit: 'connections' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_limit_refusals_total')).toBe(2);

    // One failed authorization bans 127.0.0.1: its next connect is rejected with the reason.
    c.destroy();
    await c.closed;
    await waitUntil(() => server.sessions().length === 1, 'the third client gone');
    const denied = await RtmpTestClient.connect(port, 'live');
    clients.push(denied);
    expect(String((await denied.publish('bad')).code)).toBe('NetStream.Publish.Unauthorized');
    await denied.closed;
    await expect(RtmpTestClient.connect(port, 'live')).rejects.toThrow(/banned for \d+ s/);
    await waitUntil(() => server.stats().limitRefusals.authBan === 1, 'the ban counted');
    families = await scrape(http as number);
    expect(sumOf(families, 'rtmp_engine_limit_refusals_total', { limit: 'authBan' })).toBe(1);
    // The same refusal in the IP view, under the ban rule.
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total', { rule: 'ban', action: 'connect' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total')).toBe(1);
    expect(sumOf(families, 'rtmp_engine_limit_refusals_total')).toBe(3);
  });
});
