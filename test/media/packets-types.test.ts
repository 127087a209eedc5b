/**
 * Type tests for the public packets API (checked by tsc; at run time they
 * only construct things): packets narrow by kind to their decoder config
 * shape, options are typed, and misspelled fields do not compile.
 */
import { createServer, type Packet, type PacketOptions, type RtmpServer } from '../../lib';

describe('packets() public types', () => {
  it('narrows packets by kind and types the options', () => {
    const server: RtmpServer = createServer({ rtmp: { port: 0 }, http: false, logLevel: 'silent' });
    const options: PacketOptions = { audio: false, queue: { maxPackets: 8 }, wait: 5000, endOnUnpublish: true };
    // @ts-expect-error: no such option
    const wrong: PacketOptions = { vidoe: true };
    void wrong;
    const consume = async (): Promise<void> => {
      for await (const p of server.packets('live/cam', options)) {
        const chunkType: 'key' | 'delta' = p.type;
        const us: number = p.timestampUs;
        const data: Uint8Array = p.data;
        void chunkType, us, data;
        if (p.kind === 'video') {
          const width: number | undefined = p.decoderConfig?.codedWidth;
          // @ts-expect-error: a video config has no sampleRate
          void p.decoderConfig?.sampleRate;
          void width;
        } else {
          const channels: number | undefined = p.decoderConfig?.numberOfChannels;
          void channels;
        }
      }
    };
    void consume;
    const stop: () => void = server.onPackets('live/cam', { onEnd: (err?: Error) => void err }, (p: Packet) => void p);
    void stop;
  });
});
