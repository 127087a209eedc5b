/**
 * Regression, over real sockets: with an authorize hook, what a pipelining
 * encoder sends right behind `publish` (metadata, sequence headers, first
 * frames, in the same TCP read) used to be dropped while the hook decided.
 * The engine now holds it and forwards it once the publish is allowed.
 */
import { encodeAmf0 } from './helpers/amf0';
import { describeWithAddon } from './helpers/addon';
import { RtmpTestClient } from './helpers/rtmp-test-client';
import { closeAllTestServers, testServer } from './helpers/servers';
import { waitFor } from './helpers/wait';

const media: Array<{ typeId: 8 | 9 | 18; body: Buffer }> = [
  {
    typeId: 18,
    body: Buffer.concat([
      encodeAmf0('@setDataFrame'),
      encodeAmf0('onMetaData'),
      encodeAmf0({ width: 1280, height: 720 }),
    ]),
  },
  // AVC sequence header (a tiny SPS/PPS record), AAC sequence header, an AVC keyframe, one AAC frame.
  {
    typeId: 9,
    body: Buffer.from([
      0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, // key, AVC header; record: High@3.1, 1 SPS
      0x00, 0x04, 0x67, 0x64, 0x00, 0x1f, 0x01, 0x00, 0x01, 0x68, // SPS (4 bytes), 1 PPS (1 byte)
    ]),
  },
  { typeId: 8, body: Buffer.from([0xaf, 0x00, 0x12, 0x10]) },
  { typeId: 9, body: Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 2, 0x65, 0x88]) },
  { typeId: 8, body: Buffer.from([0xaf, 0x01, 0x21, 0x10]) },
];
const mediaBytes = media.reduce((n, m) => n + m.body.length, 0);

describeWithAddon('pipelined publish under an authorize hook', () => {
  const clients: RtmpTestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await closeAllTestServers();
  });

  it('forwards the metadata, headers and frames sent behind publish once the hook allows', async () => {
    const server = testServer();
    let answer: (() => void) | undefined;
    const asked = new Promise<void>((resolve) => {
      server.authorize(
        () =>
          new Promise((allow) => {
            answer = () => allow({ allow: true });
            resolve();
          }),
      );
    });
    const { port } = await server.listen();
    const publisher = await RtmpTestClient.connect(port, 'live');
    clients.push(publisher);
    const status = publisher.publishPipelined('cam', media);
    await asked; // the engine holds the publish (and what came behind it) until we answer
    answer?.();
    expect((await status).code).toBe('NetStream.Publish.Start');
    await waitFor('the held frames in the stream', () => server.streams()[0]?.videoFrames === 1);
    const [stream] = server.streams();
    expect(stream).toMatchObject({ path: 'live/cam', videoFrames: 1, audioFrames: 1, bytesIn: mediaBytes });
    const none = { malformed: 0, empty: 0, tooLarge: 0, notPublishing: 0, authDenied: 0, authOverflow: 0, metadataTooLarge: 0 };
    expect(stream?.ingestDrops).toEqual(none);
    const session = server.sessions().find((s) => s.role === 'publisher');
    expect(session?.ingestDrops).toEqual(none);
  });
});
