// @vitest-environment node
// Node's own CompressionStream and zlib check the encoder's output.
import { inflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32, encodePng, scanlines } from '../../src/inference/png';

describe('PNG encoder', () => {
  test('crc32 of the standard check string', () => {
    expect((crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });

  test('scanlines put a filter byte (none) before each row', () => {
    const rgba = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => i + 1);
    expect(Array.from(scanlines(rgba, 2, 2))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  test('a PNG whose chunks check out and whose pixels inflate back exactly', async () => {
    const w = 3, h = 2;
    const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37) & 255);
    const png = new Uint8Array(await (await encodePng(rgba, w, h)).arrayBuffer());
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const v = new DataView(png.buffer);
    const chunks: { type: string; data: Uint8Array }[] = [];
    for (let at = 8; at < png.length;) {
      const len = v.getUint32(at);
      const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
      const data = png.subarray(at + 8, at + 8 + len);
      expect(v.getUint32(at + 8 + len)).toBe((crc32(png.subarray(at + 4, at + 8 + len)) ^ 0xffffffff) >>> 0);
      chunks.push({ type, data });
      at += 12 + len;
    }
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), chunks[0].data[8], chunks[0].data[9]]).toEqual([3, 2, 8, 6]);
    expect(Array.from(inflateSync(chunks[1].data))).toEqual(Array.from(scanlines(rgba, w, h)));
  });
});
