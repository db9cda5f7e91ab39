/**
 * Hostile and unusual image files made at run time, byte by byte after their formats' specs: bombs
 * (a tiny file declaring a huge size) and animations (GIF, APNG, WebP). Browsers decode them; the
 * unit tests read their headers and the end-to-end tests serve them.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32be = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const u16be = (n: number) => Buffer.from([(n >>> 8) & 255, n & 255]);
const u16le = (n: number) => Buffer.from([n & 255, (n >>> 8) & 255]);
const u24le = (n: number) => Buffer.from([n & 255, (n >>> 8) & 255, (n >>> 16) & 255]);
const u32le = (n: number) => Buffer.from([n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24]);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), body, u32be(crc32(body))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ihdr = (w: number, h: number) => pngChunk('IHDR', Buffer.concat([u32be(w), u32be(h), Buffer.from([8, 2, 0, 0, 0])]));

/** RGB rows (filter byte 0 each) of one colour, deflated. */
function rgbRows(w: number, h: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + 3 * w);
  for (let x = 0; x < w; x++) row.set(rgb, 1 + 3 * x);
  return deflateSync(Buffer.concat(Array.from({ length: h }, () => row)));
}

/** A still PNG of one colour. */
export function solidPng(w: number, h: number, rgb: [number, number, number] = [40, 120, 200]): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(w, h), pngChunk('IDAT', rgbRows(w, h, rgb)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG of a few hundred bytes whose header declares w×h (the first rows only are in the file). */
export function pngBomb(w = 30000, h = 30000): Buffer {
  const rows = deflateSync(Buffer.alloc((1 + 3 * w) * 4));
  return Buffer.concat([PNG_SIGNATURE, ihdr(w, h), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

/** An animated PNG (APNG) of two identical frames. */
export function apng(w = 96, h = 96, rgb: [number, number, number] = [200, 80, 40]): Buffer {
  const data = rgbRows(w, h, rgb);
  const fctl = (seq: number) => pngChunk('fcTL', Buffer.concat([
    u32be(seq), u32be(w), u32be(h), u32be(0), u32be(0), u16be(1), u16be(10), Buffer.from([0, 0]),
  ]));
  return Buffer.concat([
    PNG_SIGNATURE, ihdr(w, h),
    pngChunk('acTL', Buffer.concat([u32be(2), u32be(0)])),
    fctl(0), pngChunk('IDAT', data),
    fctl(1), pngChunk('fdAT', Buffer.concat([u32be(2), data])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * GIF image data for `pixels` (palette indices < 128) with LZW code size 7, as literal codes only:
 * a clear code before the decoder's table would need wider codes keeps every code 8 bits.
 */
function gifImageData(pixels: Uint8Array): Buffer {
  const codes: number[] = [];
  for (let i = 0; i < pixels.length; i++) {
    if (i % 120 === 0) codes.push(128); // clear
    codes.push(pixels[i]);
  }
  codes.push(129); // end of information
  const bytes = Buffer.from(codes); // 8-bit codes pack byte for byte
  const blocks: Buffer[] = [Buffer.from([7])];
  for (let i = 0; i < bytes.length; i += 255) {
    const part = bytes.subarray(i, i + 255);
    blocks.push(Buffer.from([part.length]), part);
  }
  blocks.push(Buffer.from([0]));
  return Buffer.concat(blocks);
}

/** A GIF: `frames` copies of one w×h picture (two colours in stripes), on a logical screen of screenW×screenH. */
export function gif(w: number, h: number, frames = 1, screenW = w, screenH = h): Buffer {
  const palette = Buffer.alloc(3 * 128);
  palette.set([30, 140, 60], 0);
  palette.set([230, 200, 40], 3);
  const pixels = new Uint8Array(w * h).map((_, i) => (Math.floor(i / w / 8) % 2));
  const parts: Buffer[] = [
    Buffer.from('GIF89a', 'latin1'), u16le(screenW), u16le(screenH), Buffer.from([0xf6, 0, 0]), palette,
  ];
  if (frames > 1) parts.push(Buffer.from([0x21, 0xff, 11]), Buffer.from('NETSCAPE2.0', 'latin1'), Buffer.from([3, 1, 0, 0, 0]));
  for (let f = 0; f < frames; f++) {
    parts.push(Buffer.from([0x21, 0xf9, 4, 0, 10, 0, 0, 0])); // graphic control: 0.1 s
    parts.push(Buffer.from([0x2c]), u16le(0), u16le(0), u16le(w), u16le(h), Buffer.from([0]), gifImageData(pixels));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/** A JPEG whose SOF header is rewritten to declare w×h (its scan data stays that of the original). */
export function jpegDeclaring(jpeg: Buffer, w = 65500, h = 65500): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i + 9 < out.length;) {
    const marker = out[i + 1];
    const len = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      out.writeUInt16BE(h, i + 5);
      out.writeUInt16BE(w, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('no SOF segment');
}

/** A RIFF chunk, padded to an even length. */
function riffChunk(type: string, data: Buffer): Buffer {
  const pad = data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(type, 'latin1'), u32le(data.length), data, pad]);
}

/** The first image chunk ('VP8 ' or 'VP8L', with its header) of a simple WebP file. */
function webpImageChunk(webp: Buffer): Buffer {
  for (let i = 12; i + 8 <= webp.length;) {
    const type = webp.toString('latin1', i, i + 4);
    const size = webp.readUInt32LE(i + 4);
    if (type === 'VP8 ' || type === 'VP8L') return webp.subarray(i, i + 8 + size + (size & 1));
    i += 8 + size + (size & 1);
  }
  throw new Error('no VP8/VP8L chunk');
}

/** An animated WebP of `frames` copies of a simple w×h WebP (a browser's encoding). */
export function animatedWebp(still: Buffer, w: number, h: number, frames = 2): Buffer {
  const image = webpImageChunk(still);
  const vp8x = riffChunk('VP8X', Buffer.concat([Buffer.from([0x02, 0, 0, 0]), u24le(w - 1), u24le(h - 1)]));
  const anim = riffChunk('ANIM', Buffer.concat([u32le(0xffffffff), u16le(0)]));
  const anmf = riffChunk('ANMF', Buffer.concat([u24le(0), u24le(0), u24le(w - 1), u24le(h - 1), u24le(100), Buffer.from([0]), image]));
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), vp8x, anim, ...Array.from({ length: frames }, () => anmf)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}

/** A 24-bit BMP (bottom-up, or top-down with a negative height) of one colour. */
export function bmp(w: number, h: number, topDown = false): Buffer {
  const stride = Math.ceil((3 * w) / 4) * 4;
  const pixels = Buffer.alloc(stride * h, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(w, 18);
  header.writeInt32LE(topDown ? -h : h, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** An ICO holding one PNG entry (the directory's byte sizes say 0 = 256). */
export function icoWithPng(pngBytes: Buffer): Buffer {
  const w = pngBytes.readUInt32BE(16);
  const h = pngBytes.readUInt32BE(20);
  const head = Buffer.concat([u16le(0), u16le(1), u16le(1)]);
  const entry = Buffer.concat([Buffer.from([w & 255, h & 255, 0, 0]), u16le(1), u16le(32), u32le(pngBytes.length), u32le(22)]);
  return Buffer.concat([head, entry, pngBytes]);
}

/** A minimal SVG drawing. */
export const SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">
  <rect width="320" height="240" fill="#3a6"/><circle cx="160" cy="120" r="80" fill="#fc3"/>
</svg>
`;
