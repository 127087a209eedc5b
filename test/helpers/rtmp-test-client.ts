/**
 * A deliberately small RTMP client for SDK lifecycle tests: simple handshake
 * (RTMP 1.0 §5.2), chunking (§5.3), AMF0 commands (§7.2): connect,
 * createStream, publish, play. No media. Real encoders are exercised by the
 * e2e suite (ffmpeg); this only has to create sessions in known states.
 */
import { randomBytes } from 'crypto';
import * as net from 'net';

import { type AmfObject, type AmfValue, decodeAmf0All, encodeAmf0 } from './amf0';

const HANDSHAKE_SIZE = 1536;
const OUT_CHUNK_SIZE = 128; // never changed: RTMP's default (§5.4.1)
const CSID_COMMAND = 3;
const CSID_STREAM_COMMAND = 8;
const CSID_AUDIO = 4;
const TYPE_AUDIO = 8;
const TYPE_SET_CHUNK_SIZE = 1;
const TYPE_USER_CONTROL = 4;
const TYPE_AMF0_COMMAND = 20;

interface ChunkStreamState {
  timestamp: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
  parts: Buffer[];
  received: number;
}

export interface Command {
  name: string;
  transactionId: number;
  args: AmfValue[];
  streamId: number;
}

/**
 * Encodes one message as fmt-0 + fmt-3 chunks of OUT_CHUNK_SIZE bytes. A
 * timestamp from 0xFFFFFF up goes in the extended field, repeated on every
 * continuation chunk (§5.3.1.3).
 */
function encodeChunks(csid: number, typeId: number, streamId: number, payload: Buffer, timestamp = 0): Buffer {
  const extended = timestamp >= 0xffffff;
  const header = Buffer.alloc(extended ? 16 : 12);
  header[0] = csid; // fmt 0, one-byte basic header (csid 2..63)
  header.writeUIntBE(extended ? 0xffffff : timestamp, 1, 3);
  header.writeUIntBE(payload.length, 4, 3); // message length
  header[7] = typeId;
  header.writeUInt32LE(streamId, 8); // message stream id: little-endian (§5.3.1.2.1)
  if (extended) header.writeUInt32BE(timestamp >>> 0, 12);
  const parts: Buffer[] = [header];
  for (let off = 0; off < payload.length; off += OUT_CHUNK_SIZE) {
    if (off > 0) {
      parts.push(Buffer.from([0xc0 | csid])); // fmt 3: continuation
      if (extended) parts.push(header.subarray(12, 16));
    }
    parts.push(payload.subarray(off, off + OUT_CHUNK_SIZE));
  }
  return Buffer.concat(parts);
}

/** Media on the chunk streams FFmpeg uses: audio 4, data 5, video 6. */
function mediaChunks(typeId: 8 | 9 | 18, streamId: number, body: Buffer, timestamp = 0): Buffer {
  const csid = typeId === TYPE_AUDIO ? CSID_AUDIO : typeId === 18 ? 5 : 6;
  return encodeChunks(csid, typeId, streamId, body, timestamp);
}

export class RtmpTestClient {
  readonly commands: Command[] = [];
  readonly closed: Promise<void>;
  private buffer = Buffer.alloc(0);
  private inChunkSize = 128;
  private readonly streams = new Map<number, ChunkStreamState>();
  private waiters: Array<() => void> = [];
  private nextTransaction = 2;
  private isClosed = false;
  private publishStreamId = -1;

  private constructor(private readonly socket: net.Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => {
      this.isClosed = true;
      this.wake();
    });
    socket.on('error', () => undefined); // closed is what tests look at
  }

  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** TCP connect, handshake, then `connect` to app (which may carry "?query"). */
  static async connect(port: number, app: string, host = '127.0.0.1', timeoutMs = 5000): Promise<RtmpTestClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new RtmpTestClient(socket);
    await client.handshake(timeoutMs);
    const tcUrl = `rtmp://${host}:${port}/${app}`;
    client.sendCommand(0, CSID_COMMAND, 'connect', 1, [
      { app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; rtmp-engine-test)', tcUrl },
    ]);
    const result = await client.waitForCommand((c) => c.transactionId === 1, timeoutMs);
    if (result.name !== '_result') throw new Error(`connect refused: ${JSON.stringify(result.args)}`);
    return client;
  }

  async publish(name: string, timeoutMs = 5000): Promise<AmfObject> {
    const streamId = await this.createStream(timeoutMs);
    this.publishStreamId = streamId;
    this.sendCommand(streamId, CSID_STREAM_COMMAND, 'publish', 0, [null, name, 'live']);
    return this.waitForStatus(timeoutMs);
  }

  /**
   * After publish(): an AAC sequence header and one raw AAC frame (FLV audio
   * tag bodies: 0xAF = AAC 44 kHz 16-bit stereo; then packet type 0/1).
   * AudioSpecificConfig 0x12 0x10 = AAC-LC, 44.1 kHz, 2 channels.
   */
  sendAacAudio(): void {
    if (this.publishStreamId < 0) throw new Error('sendAacAudio() before publish()');
    const frames = [Buffer.from([0xaf, 0x00, 0x12, 0x10]), Buffer.from([0xaf, 0x01, 0x21, 0x00, 0x49, 0x90])];
    for (const body of frames) this.socket.write(encodeChunks(CSID_AUDIO, TYPE_AUDIO, this.publishStreamId, body));
  }

  /** After publish(): one audio (type 8, csid 4) or video (type 9, csid 6) message with this FLV body. */
  sendMedia(typeId: 8 | 9, body: Buffer, timestamp = 0): void {
    if (this.publishStreamId < 0) throw new Error('sendMedia() before publish()');
    this.socket.write(mediaChunks(typeId, this.publishStreamId, body, timestamp));
  }

  /**
   * publish() as a pipelining encoder does it: `publish` and the messages
   * behind it (data 18, audio 8, video 9) in one socket write, without waiting
   * for NetStream.Publish.Start. Resolves with the first onStatus.
   */
  async publishPipelined(
    name: string,
    media: Array<{ typeId: 8 | 9 | 18; body: Buffer }>,
    timeoutMs = 5000,
  ): Promise<AmfObject> {
    const streamId = await this.createStream(timeoutMs);
    this.publishStreamId = streamId;
    const args: AmfValue[] = ['publish', 0, null, name, 'live'];
    const publish = Buffer.concat(args.map(encodeAmf0));
    const parts = [encodeChunks(CSID_STREAM_COMMAND, TYPE_AMF0_COMMAND, streamId, publish)];
    for (const m of media) parts.push(mediaChunks(m.typeId, streamId, m.body));
    this.socket.write(Buffer.concat(parts));
    return this.waitForStatus(timeoutMs);
  }

  async play(name: string, timeoutMs = 5000): Promise<AmfObject> {
    const streamId = await this.createStream(timeoutMs);
    this.sendCommand(streamId, CSID_STREAM_COMMAND, 'play', 0, [null, name, -2]);
    return this.waitForStatus(timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }

  async waitForCommand(match: (c: Command) => boolean, timeoutMs = 5000): Promise<Command> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.commands.find(match);
      if (found) {
        this.commands.splice(this.commands.indexOf(found), 1);
        return found;
      }
      if (this.isClosed) throw new Error('connection closed while waiting for a command');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for a command`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async createStream(timeoutMs: number): Promise<number> {
    const txn = this.nextTransaction++;
    this.sendCommand(0, CSID_COMMAND, 'createStream', txn, [null]);
    const reply = await this.waitForCommand((c) => c.transactionId === txn, timeoutMs);
    const id = reply.args[1];
    if (reply.name !== '_result' || typeof id !== 'number') {
      throw new Error(`createStream failed: ${JSON.stringify(reply.args)}`);
    }
    return id;
  }

  private async waitForStatus(timeoutMs: number): Promise<AmfObject> {
    const status = await this.waitForCommand((c) => c.name === 'onStatus', timeoutMs);
    return (status.args[1] ?? {}) as AmfObject;
  }

  private sendCommand(streamId: number, csid: number, name: string, txn: number, args: AmfValue[]): void {
    const payload = Buffer.concat([encodeAmf0(name), encodeAmf0(txn), ...args.map(encodeAmf0)]);
    this.socket.write(encodeChunks(csid, TYPE_AMF0_COMMAND, streamId, payload));
  }

  /** C0+C1 out, S0+S1+S2 in, C2 (echo of S1) out. */
  private handshake(timeoutMs: number): Promise<void> {
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]); // time 0, zero 0, random
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    return new Promise((resolve, reject) => {
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error('handshake timed out')), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        this.socket.off('data', onData);
        reject(err);
      };
      const onData = (d: Buffer): void => {
        got = Buffer.concat([got, d]);
        if (got.length < 1 + 2 * HANDSHAKE_SIZE) return;
        clearTimeout(timer);
        this.socket.off('data', onData);
        if (got[0] !== 3) return fail(new Error(`S0 version ${got[0]}`));
        this.socket.write(got.subarray(1, 1 + HANDSHAKE_SIZE)); // C2 = S1
        // Hand over to the chunk reader in the same tick: no byte may be missed.
        this.socket.on('data', (more) => this.onData(more));
        this.onData(got.subarray(1 + 2 * HANDSHAKE_SIZE));
        resolve();
      };
      this.socket.on('data', onData);
      this.socket.once('close', () => fail(new Error('closed during handshake')));
    });
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    while (this.readChunk()) {
      // keep going while whole chunks are buffered
    }
  }

  /** Parses one chunk if it is fully buffered (§5.3.1); false when more bytes are needed. */
  private readChunk(): boolean {
    const b = this.buffer;
    if (b.length < 1) return false;
    const fmt = (b[0] ?? 0) >> 6;
    let csid = (b[0] ?? 0) & 0x3f;
    let pos = 1;
    if (csid === 0) {
      if (b.length < 2) return false;
      csid = 64 + (b[1] ?? 0);
      pos = 2;
    } else if (csid === 1) {
      if (b.length < 3) return false;
      csid = 64 + (b[1] ?? 0) + (b[2] ?? 0) * 256;
      pos = 3;
    }
    const prev = this.streams.get(csid);
    const st: ChunkStreamState = prev
      ? { ...prev }
      : { timestamp: 0, length: 0, typeId: 0, streamId: 0, extended: false, parts: [], received: 0 };
    const headerLen = [11, 7, 3, 0][fmt] ?? 0;
    if (b.length < pos + headerLen) return false;
    let tsField = -1;
    if (fmt <= 2) tsField = b.readUIntBE(pos, 3);
    if (fmt <= 1) {
      st.length = b.readUIntBE(pos + 3, 3);
      st.typeId = b[pos + 6] ?? 0;
    }
    if (fmt === 0) st.streamId = b.readUInt32LE(pos + 7);
    pos += headerLen;
    if (fmt <= 2) st.extended = tsField === 0xffffff;
    if (st.extended) {
      if (b.length < pos + 4) return false;
      pos += 4; // extended timestamp (§5.3.1.3); value unused here
    }
    const size = Math.min(this.inChunkSize, st.length - st.received);
    if (b.length < pos + size) return false;
    st.parts = [...st.parts, b.subarray(pos, pos + size)];
    st.received += size;
    this.buffer = b.subarray(pos + size);
    if (st.received >= st.length) {
      const payload = Buffer.concat(st.parts);
      st.parts = [];
      st.received = 0;
      this.onMessage(st.typeId, st.streamId, payload);
    }
    this.streams.set(csid, st);
    return true;
  }

  private onMessage(typeId: number, streamId: number, payload: Buffer): void {
    if (typeId === TYPE_SET_CHUNK_SIZE) {
      this.inChunkSize = payload.readUInt32BE(0) & 0x7fffffff;
    } else if (typeId === TYPE_USER_CONTROL && payload.readUInt16BE(0) === 6) {
      // PingRequest → PingResponse with the same timestamp (§7.1.7)
      const pong = Buffer.concat([Buffer.from([0x00, 0x07]), payload.subarray(2, 6)]);
      this.socket.write(encodeChunks(2, TYPE_USER_CONTROL, 0, pong));
    } else if (typeId === TYPE_AMF0_COMMAND) {
      const [name, txn, ...args] = decodeAmf0All(payload);
      this.commands.push({
        name: String(name),
        transactionId: typeof txn === 'number' ? txn : -1,
        args,
        streamId,
      });
      this.wake();
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** A TCP connection that sends C0+C1 and stops: a session stuck in the handshake. */
export async function openHalfHandshake(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port, host }, () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => undefined);
  socket.resume(); // discard S0/S1/S2 so the server's close is seen
  socket.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(HANDSHAKE_SIZE)]));
  return socket;
}

export function socketClosed(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
