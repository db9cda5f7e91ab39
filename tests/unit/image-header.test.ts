/**
 * The header reader that refuses decompression bombs and animations before any decoder runs: real
 * files (the fixture photos, files made after each format's spec that Chromium decodes, and small
 * WebP/AVIF files browsers use to probe support), and the same files altered to lie.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { endsCutShort, looksLikeSvg, readImageHeader, TAIL_BYTES } from '../../src/inference/image-header';
import { checkHeader, headerBytes, JobFailure } from '../../src/inference/decode';
import { errorText } from '../../src/i18n/errors';
import { FIXTURES } from '../support/paths';
import { animatedWebp, apng, bmp, gif, icoWithPng, jpegDeclaring, pngBomb, solidPng, SVG } from '../support/hostile-images';

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
/** 1×1 WebP files (lossy VP8, lossless VP8L, extended VP8X with alpha, animated with one frame) and a 2×2 AVIF: Chromium decodes each. */
const WEBP_LOSSY = 'UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA';
const WEBP_LOSSLESS = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==';
const WEBP_ALPHA = 'UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==';
const WEBP_ANIM_ONE_FRAME = 'UklGRlIAAABXRUJQVlA4WAoAAAASAAAAAAAAAAAAQU5JTQYAAAD/////AABBTk1GJgAAAAAAAAAAAAAAAAAAAGQAAABWUDhMDQAAAC8AAAAQBxAREYiI/gcA';
const AVIF_2X2 = 'AAAAIGZ0eXBhdmlmAAAAAGF2aWZtaWYxbWlhZk1BMUIAAADybWV0YQAAAAAAAAAoaGRscgAAAAAAAAAAcGljdAAAAAAAAAAAAAAAAGxpYmF2aWYAAAAADnBpdG0AAAAAAAEAAAAeaWxvYwAAAABEAAABAAEAAAABAAABGgAAAB0AAAAoaWluZgAAAAAAAQAAABppbmZlAgAAAAABAABhdjAxQ29sb3IAAAAAamlwcnAAAABLaXBjbwAAABRpc3BlAAAAAAAAAAIAAAACAAAAEHBpeGkAAAAAAwgICAAAAAxhdjFDgQ0MAAAAABNjb2xybmNseAACAAIAAYAAAAAXaXBtYQAAAAAAAAABAAEEAQKDBAAAACVtZGF0EgAKCBgANogQEAwgMg8f8D///8WfhwB8+ErK42A=';

const size = (b: Uint8Array) => {
  const h = readImageHeader(b);
  return h && [h.type, h.width, h.height, h.animated];
};

describe('readImageHeader', () => {
  test('JPEG: the frame header after the APP segments (the fixture photos)', () => {
    expect(size(fixture('pexels-jansel-ferma-3949761.jpg'))).toEqual(['image/jpeg', 1280, 1280, false]);
    expect(size(fixture('pytorchhub_dog.jpg'))).toEqual(['image/jpeg', 1546, 1213, false]);
  });

  test('JPEG: stray bytes before a marker are skipped, as decoders do', () => {
    const photo = readFileSync(join(FIXTURES, 'pytorchhub_dog.jpg'));
    const afterFirst = 4 + photo.readUInt16BE(4); // the end of the segment after SOI
    const padded = Buffer.concat([photo.subarray(0, afterFirst), Buffer.from([0, 0, 0]), photo.subarray(afterFirst)]);
    expect(size(padded)).toEqual(['image/jpeg', 1546, 1213, false]);
  });

  test('a JPEG declaring 65500×65500 reads as such', () => {
    expect(size(jpegDeclaring(readFileSync(join(FIXTURES, 'pytorchhub_dog.jpg'))))).toEqual(['image/jpeg', 65500, 65500, false]);
  });

  test('PNG: IHDR; an APNG (acTL with two frames) is animated, a PNG bomb declares its size', () => {
    expect(size(fixture('pytorchhub_deeplab1_person_sheep.png'))).toEqual(['image/png', 1282, 1026, false]);
    expect(size(solidPng(70, 65))).toEqual(['image/png', 70, 65, false]);
    expect(size(apng(96, 90))).toEqual(['image/png', 96, 90, true]);
    const bomb = pngBomb(30000, 30000);
    expect(bomb.length).toBeLessThan(1000);
    expect(size(bomb)).toEqual(['image/png', 30000, 30000, false]);
  });

  test('GIF: the logical screen, or a frame reaching past it; two frames are animated', () => {
    expect(size(gif(96, 80))).toEqual(['image/gif', 96, 80, false]);
    expect(size(gif(96, 80, 2))).toEqual(['image/gif', 96, 80, true]);
    expect(size(gif(96, 80, 1, 30000, 30000))).toEqual(['image/gif', 30000, 30000, false]);
    expect(size(gif(96, 80, 1, 10, 10))).toEqual(['image/gif', 96, 80, false]);
  });

  test('WebP: VP8, VP8L and VP8X; two ANMF frames are animated, one is a still', () => {
    expect(size(b64(WEBP_LOSSY))).toEqual(['image/webp', 1, 1, false]);
    expect(size(b64(WEBP_LOSSLESS))).toEqual(['image/webp', 1, 1, false]);
    expect(size(b64(WEBP_ALPHA))).toEqual(['image/webp', 1, 1, false]);
    expect(size(b64(WEBP_ANIM_ONE_FRAME))).toEqual(['image/webp', 1, 1, false]);
    expect(size(animatedWebp(Buffer.from(WEBP_LOSSY, 'base64'), 1, 1, 2))).toEqual(['image/webp', 1, 1, true]);
    // The extended format's canvas, as declared (24 bits a side).
    expect(size(animatedWebp(Buffer.from(WEBP_LOSSY, 'base64'), 40000, 40000, 1))).toEqual(['image/webp', 40000, 40000, false]);
  });

  test('BMP (bottom-up and top-down), AVIF (ispe) and ICO (a PNG entry)', () => {
    expect(size(bmp(67, 66))).toEqual(['image/bmp', 67, 66, false]);
    expect(size(bmp(67, 66, true))).toEqual(['image/bmp', 67, 66, false]);
    expect(size(b64(AVIF_2X2))).toEqual(['image/avif', 2, 2, false]);
    expect(size(icoWithPng(solidPng(200, 180)))).toEqual(['image/x-icon', 200, 180, false]);
    expect(size(icoWithPng(pngBomb(30000, 30000)))).toEqual(['image/x-icon', 30000, 30000, false]);
  });

  test('a file cut before its size, or not an image, has no header', () => {
    expect(readImageHeader(solidPng(70, 65).subarray(0, 20))).toBeUndefined();
    expect(readImageHeader(fixture('pytorchhub_dog.jpg').subarray(0, 40))).toBeUndefined();
    expect(readImageHeader(new TextEncoder().encode('<html>hello</html>'))).toBeUndefined();
  });
});

describe('checkHeader', () => {
  const failure = (b: Uint8Array) => {
    try {
      checkHeader(b);
      return undefined;
    } catch (e) {
      return e instanceof JobFailure ? [e.code, errorText(e)] : e;
    }
  };

  test('a photo passes; bombs are too large, before any decoder sees them', () => {
    expect(failure(fixture('pytorchhub_dog.jpg'))).toBeUndefined();
    expect(failure(pngBomb(30000, 30000))).toEqual(['too-large', expect.stringMatching(/30000×30000 pixels: too large/)]);
    expect(failure(gif(96, 80, 1, 30000, 30000))).toEqual(['too-large', expect.stringMatching(/30000×30000/)]);
    expect(failure(jpegDeclaring(readFileSync(join(FIXTURES, 'pytorchhub_dog.jpg'))))).toEqual(['too-large', expect.stringMatching(/65500×65500/)]);
    // Long and thin: few pixels, but a side no bitmap can have.
    expect(failure(pngBomb(40000, 100))).toEqual(['too-large', expect.any(String)]);
  });

  test('animations are refused in plain words, naming the format', () => {
    expect(failure(gif(96, 80, 2))).toEqual(['unsupported', expect.stringMatching(/animated GIF.*still pictures only/)]);
    expect(failure(apng(96, 90))).toEqual(['unsupported', expect.stringMatching(/animated PNG/)]);
    expect(failure(animatedWebp(Buffer.from(WEBP_LOSSY, 'base64'), 1, 1, 2))).toEqual(['unsupported', expect.stringMatching(/animated WebP/)]);
  });

  test('an unreadable header is a damaged file', () => {
    expect(failure(solidPng(70, 65).subarray(0, 20))).toEqual(['decode-failed', expect.stringMatching(/damaged/)]);
  });
});

test('looksLikeSvg: an SVG file by its bytes or its declared type, not HTML', () => {
  expect(looksLikeSvg(new TextEncoder().encode(SVG))).toBe(true);
  expect(looksLikeSvg(new TextEncoder().encode('\uFEFF  <svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe(true);
  expect(looksLikeSvg(new TextEncoder().encode('<!doctype html><p>hi'))).toBe(false);
  expect(looksLikeSvg(new Uint8Array(0), 'image/svg+xml')).toBe(true);
});

describe('headerBytes: how much of a file the checks read', () => {
  const HEAD = 256 * 1024;
  const headOf = async (file: Uint8Array, type: string) => {
    const blob = new Blob([file as BlobPart]);
    return (await headerBytes(blob, new Uint8Array(await blob.slice(0, HEAD).arrayBuffer()), type)).length;
  };
  const padded = (b: Uint8Array) => {
    const out = new Uint8Array(b.length + 400_000);
    out.set(b);
    return out;
  };

  test('a large still picture: only its first 256 KB', async () => {
    expect(await headOf(padded(solidPng(70, 65)), 'image/png')).toBe(HEAD);
  });

  test('a GIF, which says it moves only past its first frame: all of it', async () => {
    const file = padded(gif(96, 80, 2));
    expect(await headOf(file, 'image/gif')).toBe(file.length);
  });

  test('a JPEG whose frame header lies past 256 KB of metadata: all of it, and its true size is read', async () => {
    const photo = fixture('pytorchhub_dog.jpg');
    // Five 60 KB APP15 segments right after the SOI marker push the SOF beyond the first 256 KB.
    const app = new Uint8Array(4 + 60_000);
    app.set([0xff, 0xef, (60_002 >> 8) & 0xff, 60_002 & 0xff]);
    const file = new Uint8Array(2 + 5 * app.length + photo.length - 2);
    file.set(photo.subarray(0, 2));
    for (let i = 0; i < 5; i++) file.set(app, 2 + i * app.length);
    file.set(photo.subarray(2), 2 + 5 * app.length);
    expect(readImageHeader(file.subarray(0, HEAD))).toBeUndefined();
    expect(await headOf(file, 'image/jpeg')).toBe(file.length);
    expect(readImageHeader(file)).toMatchObject(readImageHeader(photo)!);
  });
});

describe('endsCutShort: a download cut before its end marker', () => {
  const tail = (b: Uint8Array) => b.subarray(Math.max(0, b.length - TAIL_BYTES));
  const jpeg = new Uint8Array(readFileSync(join(FIXTURES, 'pytorchhub_dog.jpg')));
  const png = new Uint8Array(solidPng(64, 48, [10, 20, 30]));

  test('whole files end well', () => {
    expect(endsCutShort(tail(jpeg), 'image/jpeg')).toBe(false);
    expect(endsCutShort(tail(png), 'image/png')).toBe(false);
    // Bytes some writers append after a JPEG's end are allowed.
    expect(endsCutShort(tail(new Uint8Array([...jpeg, 0, 0, 0, 0])), 'image/jpeg')).toBe(false);
  });

  test('a JPEG or PNG cut anywhere past its header is caught', () => {
    for (const cut of [0.3, 0.6, 0.9, 0.999]) {
      expect(endsCutShort(tail(jpeg.subarray(0, Math.floor(jpeg.length * cut))), 'image/jpeg'), `jpeg ${cut}`).toBe(true);
    }
    expect(endsCutShort(tail(png.subarray(0, png.length - 12)), 'image/png')).toBe(true);
  });

  test('other formats are left to their decoder', () => {
    expect(endsCutShort(new Uint8Array(10), 'image/webp')).toBe(false);
  });
});
