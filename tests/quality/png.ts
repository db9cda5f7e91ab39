/** PNG files for the quality report and the mask cache, in Node: written with the extension's own encoder, read back for our own files only. */
import { readFileSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { encodePng } from '../../src/inference/png';
import type { Rgba } from './metrics';

export async function writePng(path: string, rgba: Uint8Array | Uint8ClampedArray, width: number, height: number) {
  const blob = await encodePng(rgba, width, height);
  writeFileSync(path, new Uint8Array(await blob.arrayBuffer()));
}

/**
 * Reads a PNG that writePng made (8-bit RGBA, one IDAT, every row unfiltered). Anything else throws:
 * this is the mask cache's reader, not a general decoder.
 */
export function readOwnPng(path: string): Rgba {
  const file = readFileSync(path);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => file[i] === b)) throw new Error(`${path}: not a PNG`);
  let width = 0, height = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length;) {
    const len = file.readUInt32BE(at), type = file.toString('latin1', at + 4, at + 8);
    const body = file.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 6 || body[12] !== 0) throw new Error(`${path}: not 8-bit RGBA without interlace`);
    } else if (type === 'IDAT') idat.push(body);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (raw.length !== height * (stride + 1)) throw new Error(`${path}: ${raw.length} bytes of image data for ${width}×${height}`);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`${path}: row ${y} is filtered (not a file this script wrote)`);
    data.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, data };
}
