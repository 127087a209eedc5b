/**
 * Just enough AMF0 (Adobe AMF0 spec §2) for the test client's commands:
 * number, boolean, string, object, null, undefined, ECMA array, strict array.
 */
export type AmfValue = number | boolean | string | null | undefined | AmfObject | AmfValue[];
export interface AmfObject {
  [key: string]: AmfValue;
}

const Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  Null: 0x05,
  Undefined: 0x06,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  LongString: 0x0c,
} as const;

function utf8(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([len, body]);
}

export function encodeAmf0(value: AmfValue): Buffer {
  if (typeof value === 'number') {
    const b = Buffer.alloc(9);
    b[0] = Marker.Number;
    b.writeDoubleBE(value, 1);
    return b;
  }
  if (typeof value === 'boolean') return Buffer.from([Marker.Boolean, value ? 1 : 0]);
  if (typeof value === 'string') return Buffer.concat([Buffer.from([Marker.String]), utf8(value)]);
  if (value === null) return Buffer.from([Marker.Null]);
  if (value === undefined) return Buffer.from([Marker.Undefined]);
  if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = Marker.StrictArray;
    head.writeUInt32BE(value.length, 1);
    return Buffer.concat([head, ...value.map(encodeAmf0)]);
  }
  const parts: Buffer[] = [Buffer.from([Marker.Object])];
  for (const [k, v] of Object.entries(value)) parts.push(utf8(k), encodeAmf0(v));
  parts.push(Buffer.from([0x00, 0x00, Marker.ObjectEnd]));
  return Buffer.concat(parts);
}

export function decodeAmf0All(buf: Buffer): AmfValue[] {
  const out: AmfValue[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const [value, next] = decodeAt(buf, offset);
    out.push(value);
    offset = next;
  }
  return out;
}

function readProps(buf: Buffer, start: number): [AmfObject, number] {
  const obj: AmfObject = {};
  let offset = start;
  for (;;) {
    const len = buf.readUInt16BE(offset);
    const key = buf.toString('utf8', offset + 2, offset + 2 + len);
    offset += 2 + len;
    if (len === 0 && buf[offset] === Marker.ObjectEnd) return [obj, offset + 1];
    const [value, next] = decodeAt(buf, offset);
    obj[key] = value;
    offset = next;
  }
}

function decodeAt(buf: Buffer, offset: number): [AmfValue, number] {
  const marker = buf[offset];
  const p = offset + 1;
  switch (marker) {
    case Marker.Number:
      return [buf.readDoubleBE(p), p + 8];
    case Marker.Boolean:
      return [buf[p] !== 0, p + 1];
    case Marker.String: {
      const len = buf.readUInt16BE(p);
      return [buf.toString('utf8', p + 2, p + 2 + len), p + 2 + len];
    }
    case Marker.LongString: {
      const len = buf.readUInt32BE(p);
      return [buf.toString('utf8', p + 4, p + 4 + len), p + 4 + len];
    }
    case Marker.Object:
      return readProps(buf, p);
    case Marker.EcmaArray:
      return readProps(buf, p + 4);
    case Marker.Null:
      return [null, p];
    case Marker.Undefined:
      return [undefined, p];
    case Marker.StrictArray: {
      const count = buf.readUInt32BE(p);
      const items: AmfValue[] = [];
      let next = p + 4;
      for (let i = 0; i < count; i++) {
        const [v, n] = decodeAt(buf, next);
        items.push(v);
        next = n;
      }
      return [items, next];
    }
    default:
      throw new Error(`amf0: unsupported marker 0x${(marker ?? 0).toString(16)} at ${offset}`);
  }
}
