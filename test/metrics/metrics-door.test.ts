// Refusals by IP rule and failed handshakes come from the engine's own
// counters (atomics, read on scrape): a publish matching a deny rule, a play
// no rule allows and a client that connects and sends nothing until the
// handshake timeout each show under their label, and nothing else moves.
import * as net from 'net';

import { waitUntil } from '../e2e/helpers/server';
import { describeWithAddon } from '../helpers/addon';
import { RtmpTestClient, socketClosed } from '../helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from '../helpers/servers';
import { withTimeout } from '../helpers/wait';
import { scrape, sumOf } from './scrape';

jest.setTimeout(60_000);

const clients: RtmpTestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await closeAllTestServers();
});

describeWithAddon('rtmp_engine_ip_refusals_total and rtmp_engine_handshake_failures_total', () => {
  it('counts IP-rule refusals by rule and door, and a silent client under timeout', async () => {
    const server = testServer({
      http: { host: '127.0.0.1', port: 0 },
      hls: false,
      rtmp: { handshakeTimeoutMs: 1_000 },
      access: {
        rules: [
          { policy: 'deny', cidr: '127.0.0.1', on: 'publish', app: 'live' },
          { policy: 'allow', cidr: '127.0.0.0/8', on: 'connect' },
        ],
        default: 'deny',
      },
    });
    const { port, http } = await server.listen();
    const before = await scrape(http as number);
    expect(sumOf(before, 'rtmp_engine_ip_refusals_total')).toBe(0);
    expect(sumOf(before, 'rtmp_engine_handshake_failures_total')).toBe(0);

    const publisher = await RtmpTestClient.connect(port, 'live'); // connect: allowed by rule 1
    clients.push(publisher);
    expect(String((await publisher.publish('cam')).code)).toBe('NetStream.Publish.Unauthorized'); // rule 0
    const player = await RtmpTestClient.connect(port, 'live');
    clients.push(player);
    expect(String((await player.play('cam')).code)).toBe('NetStream.Play.Failed'); // no rule allows play
    await waitUntil(() => server.stats().ipRefusals.notAllowed.play === 1, 'the play refusal counted');

    let families = await scrape(http as number);
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total', { rule: 'deny', action: 'publish' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total', { rule: 'notAllowed', action: 'play' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total')).toBe(2);
    expect(sumOf(families, 'rtmp_engine_handshake_failures_total')).toBe(0);

    // Connects and says nothing: closed at the handshake timeout (1 s, checked once a second).
    const silent = net.connect({ port, host: '127.0.0.1' });
    silent.on('error', () => undefined);
    silent.resume();
    await withTimeout('the silent socket closed at the handshake timeout', socketClosed(silent), 10_000);
    await waitUntil(() => server.stats().handshakeFailures.rtmp.timeout === 1, 'the timeout counted');
    families = await scrape(http as number);
    expect(sumOf(families, 'rtmp_engine_handshake_failures_total', { protocol: 'rtmp', reason: 'timeout' })).toBe(1);
    expect(sumOf(families, 'rtmp_engine_handshake_failures_total')).toBe(1);
    expect(sumOf(families, 'rtmp_engine_ip_refusals_total')).toBe(2);
  });
});
