/**
 * The packets feed WebCodecs as they are: Debian's chromium (playwright-core,
 * no download) decodes the H.264 packets of a published clip with
 * VideoDecoder, configured from the first packet's decoderConfig, and outputs
 * one frame per packet sent; the AAC packets the same with AudioDecoder.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Browser } from 'playwright-core';

import type { Packet } from '../../lib';
import { describeWithAddon } from '../helpers/addon';
import { launchBrowser, openPage } from './helpers/browser';
import { publish, stopAll } from './helpers/ffmpeg';
import { makeClip } from './helpers/media';
import { startServer, waitUntil } from './helpers/server';

interface WirePacket {
  kind: 'video' | 'audio';
  type: 'key' | 'delta';
  timestampUs: number;
  data: string;
  config?: Record<string, unknown>;
}

function toWire(p: Packet): WirePacket {
  const config = p.decoderConfig
    ? { ...p.decoderConfig, description: p.decoderConfig.description ? Buffer.from(p.decoderConfig.description).toString('base64') : undefined }
    : undefined;
  return { kind: p.kind, type: p.type, timestampUs: p.timestampUs, data: p.data.toString('base64'), ...(config ? { config } : {}) };
}

// Runs in the page (a string: the tests compile without the DOM library).
const DECODE = `async (packets) => {
  const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const config = (c) => (c.description ? { ...c, description: bytes(c.description) } : c);
  const out = { video: 0, audio: 0, errors: [], audioSupported: false };
  const video = new VideoDecoder({ output: (f) => { out.video++; f.close(); }, error: (e) => out.errors.push('video: ' + e) });
  const first = packets.find((p) => p.kind === 'audio' && p.config);
  out.audioSupported = !!first && (await AudioDecoder.isConfigSupported(config(first.config))).supported;
  const audio = new AudioDecoder({ output: (d) => { out.audio++; d.close(); }, error: (e) => out.errors.push('audio: ' + e) });
  for (const p of packets) {
    if (p.kind === 'video') {
      if (p.config) video.configure(config(p.config));
      video.decode(new EncodedVideoChunk({ type: p.type, timestamp: p.timestampUs, data: bytes(p.data) }));
    } else if (out.audioSupported) {
      if (p.config) audio.configure(config(p.config));
      audio.decode(new EncodedAudioChunk({ type: p.type, timestamp: p.timestampUs, data: bytes(p.data) }));
    }
  }
  await video.flush();
  if (out.audioSupported) await audio.flush();
  return out;
}`;

describeWithAddon('packets() → WebCodecs in chromium', () => {
  let browser: Browser | undefined;
  let page: http.Server | undefined;
  let pageUrl = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    // WebCodecs needs a secure context: http://127.0.0.1 is one.
    page = http.createServer((_req, res) => res.end('<!doctype html><title>webcodecs</title>'));
    await new Promise<void>((resolve) => page!.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  afterEach(() => stopAll());

  it('VideoDecoder outputs one frame per packet sent (and AudioDecoder per AAC packet)', async () => {
    const clip = makeClip({ seconds: 3 });
    const { server, url } = await startServer();
    const packets: Packet[] = [];
    try {
      const done = (async () => {
        for await (const p of server.packets('live/wc', { wait: 20_000, endOnUnpublish: true })) packets.push(p);
      })();
      await waitUntil(() => server.packetSubscriptions().length === 1, 'the subscription');
      await publish(clip.file, url('live/wc'), { timeoutMs: 30_000 }).exited;
      await done;
    } finally {
      await server.close({ graceMs: 2000 });
    }
    const sentVideo = packets.filter((p) => p.kind === 'video').length;
    const sentAudio = packets.filter((p) => p.kind === 'audio').length;
    expect(sentVideo).toBe(90);

    const opened = await openPage(browser!, pageUrl);
    try {
      const result = (await opened.page.evaluate(`(${DECODE})(${JSON.stringify(packets.map(toWire))})`)) as {
        video: number;
        audio: number;
        errors: string[];
        audioSupported: boolean;
      };
      expect(result.errors).toEqual([]);
      expect(result.video).toBe(sentVideo);
      if (result.audioSupported) expect(result.audio).toBe(sentAudio);
      else console.warn('chromium here has no AAC AudioDecoder: the audio half was not checked');
    } finally {
      await opened.context.close();
    }
  });
});
