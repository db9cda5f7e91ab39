/**
 * What an image file says about itself before anything decodes it: its pixel size, and whether it
 * moves. A decoder allocates width × height × 4 bytes for whatever the header declares, so a file of
 * a few hundred bytes can ask for gigabytes (a "decompression bomb"); reading the header first lets
 * Backdrop refuse such a file without handing it to the decoder. Pure functions over the bytes, no
 * DOM: every format the browser decodes for Backdrop is covered (PNG/APNG, GIF, JPEG, WebP, BMP,
 * AVIF, ICO).
 */

export interface ImageHeader {
  type: string;
  /** The largest size the file declares (a GIF frame or an ICO entry may be larger than the rest). */
  width: number;
  height: number;
  /** More than one frame: an animated GIF, APNG, WebP or AVIF sequence. */
  animated: boolean;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const u32le = (b: Uint8Array, i: number) => ((b[i + 3] << 24) >>> 0) + ((b[i + 2] << 16) | (b[i + 1] << 8) | b[i]);
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, i: number, s: string) => i + s.length <= b.length && [...s].every((ch, j) => b[i + j] === ch.charCodeAt(0));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array, at = 0) => b.length >= at + 8 && PNG_SIGNATURE.every((x, j) => b[at + j] === x);

/**
 * The declared size of an image file, from its header alone; undefined when the header cannot be
 * read (not one of these formats, or cut short before the size): such a file is refused as damaged.
 */
export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  if (isPng(b)) return png(b);
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return gif(b);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return webp(b);
  if (ascii(b, 0, 'BM')) return bmp(b);
  if (ascii(b, 4, 'ftyp')) return avif(b);
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return ico(b);
  return undefined;
}

/** An SVG document (text, perhaps after a BOM, an XML declaration or comments). */
export function looksLikeSvg(head: Uint8Array, declaredType = ''): boolean {
  if (/^image\/svg\+xml\b/i.test(declaredType)) return true;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('<')) return false;
  return /<svg[\s>]/i.test(text);
}

function png(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 24 || !ascii(b, 12, 'IHDR')) return undefined;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  // APNG: an acTL chunk before the first IDAT says how many frames follow.
  let animated = false;
  for (let i = 8; i + 8 <= b.length;) {
    const len = u32be(b, i);
    if (ascii(b, i + 4, 'IDAT')) break;
    if (ascii(b, i + 4, 'acTL') && i + 12 <= b.length) {
      animated = u32be(b, i + 8) > 1;
      break;
    }
    i += 12 + len;
  }
  return { type: 'image/png', width, height, animated };
}

/** GIF: the logical screen, enlarged by any frame that reaches past it (decoders grow the canvas to fit). */
function gif(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 13) return undefined;
  let width = u16le(b, 6);
  let height = u16le(b, 8);
  let frames = 0;
  let i = 13;
  if (b[10] & 0x80) i += 3 * (1 << ((b[10] & 7) + 1));
  const skipSubBlocks = () => {
    while (i < b.length && b[i] !== 0) i += b[i] + 1;
    i++;
  };
  while (i < b.length && frames < 2) {
    const block = b[i];
    if (block === 0x21) { // extension: label, then data sub-blocks
      i += 2;
      skipSubBlocks();
    } else if (block === 0x2c) { // image descriptor
      if (i + 10 > b.length) break;
      width = Math.max(width, u16le(b, i + 1) + u16le(b, i + 5));
      height = Math.max(height, u16le(b, i + 3) + u16le(b, i + 7));
      frames++;
      const flags = b[i + 9];
      i += 10;
      if (flags & 0x80) i += 3 * (1 << ((flags & 7) + 1));
      i++; // LZW minimum code size
      skipSubBlocks();
    } else {
      break; // trailer (0x3b) or garbage
    }
  }
  return { type: 'image/gif', width, height, animated: frames > 1 };
}

/** JPEG: the first SOFn segment's size, walking the segments before it. */
function jpeg(b: Uint8Array): ImageHeader | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) { // stray bytes before a marker: decoders skip them, and so does this
      i++;
      continue;
    }
    const marker = b[i + 1];
    if (marker === 0xff) { // fill byte
      i++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { // no length
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end, or scan data before any frame header
    const len = u16be(b, i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > b.length) return undefined;
      return { type: 'image/jpeg', width: u16be(b, i + 7), height: u16be(b, i + 5), animated: false };
    }
    if (len < 2) return undefined;
    i += 2 + len;
  }
  return undefined;
}

/** WebP: a simple lossy (VP8) or lossless (VP8L) file, or the extended format's canvas (VP8X). */
function webp(b: Uint8Array): ImageHeader | undefined {
  const end = Math.min(b.length, u32le(b, 4) + 8);
  let header: ImageHeader | undefined;
  let frames = 0;
  for (let i = 12; i + 8 <= end;) {
    const size = u32le(b, i + 4);
    const data = i + 8;
    if (ascii(b, i, 'VP8X') && data + 10 <= b.length) {
      header = { type: 'image/webp', width: u24le(b, data + 4) + 1, height: u24le(b, data + 7) + 1, animated: false };
    } else if (ascii(b, i, 'VP8 ') && !header && data + 10 <= b.length) {
      if (b[data + 3] !== 0x9d || b[data + 4] !== 0x01 || b[data + 5] !== 0x2a) return undefined;
      return { type: 'image/webp', width: u16le(b, data + 6) & 0x3fff, height: u16le(b, data + 8) & 0x3fff, animated: false };
    } else if (ascii(b, i, 'VP8L') && !header && data + 5 <= b.length) {
      if (b[data] !== 0x2f) return undefined;
      const bits = u32le(b, data + 1);
      return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, animated: false };
    } else if (ascii(b, i, 'ANMF') && ++frames > 1) {
      break;
    }
    i = data + size + (size & 1);
  }
  return header && { ...header, animated: frames > 1 };
}

/** BMP: the DIB header's size (negative height: stored top-down). */
function bmp(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 26) return undefined;
  const dib = u32le(b, 14);
  if (dib === 12) return { type: 'image/bmp', width: u16le(b, 18), height: u16le(b, 20), animated: false };
  if (dib < 16) return undefined; // the later headers (OS/2 2.x, v3–v5) all give 32-bit sizes here
  return { type: 'image/bmp', width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)), animated: false };
}

/**
 * AVIF (ISO-BMFF): the largest `ispe` (image spatial extents) property in meta/iprp/ipco, the
 * size every image item declares; an `avis` brand is an image sequence.
 */
function avif(b: Uint8Array): ImageHeader | undefined {
  if (!ascii(b, 8, 'avif') && !ascii(b, 8, 'avis') && !ascii(b, 8, 'mif1') && !ascii(b, 8, 'msf1')) return undefined;
  let width = 0;
  let height = 0;
  let sequence = ascii(b, 8, 'avis');
  const walk = (start: number, end: number, depth: number) => {
    for (let i = start; i + 8 <= end && depth < 4;) {
      let size = u32be(b, i);
      let head = 8;
      if (size === 1 && i + 16 <= end) { // 64-bit size: only the low half can fit a file held in memory
        size = u32be(b, i + 12);
        head = 16;
      } else if (size === 0) {
        size = end - i;
      }
      if (size < head) return;
      const boxEnd = Math.min(end, i + size);
      if (ascii(b, i + 4, 'ftyp')) {
        for (let j = i + 16; j + 4 <= boxEnd; j += 4) if (ascii(b, j, 'avis')) sequence = true;
      } else if (ascii(b, i + 4, 'meta')) {
        walk(i + head + 4, boxEnd, depth + 1); // a full box: version and flags first
      } else if (ascii(b, i + 4, 'iprp') || ascii(b, i + 4, 'ipco')) {
        walk(i + head, boxEnd, depth + 1);
      } else if (ascii(b, i + 4, 'ispe') && i + head + 12 <= boxEnd) {
        width = Math.max(width, u32be(b, i + head + 4));
        height = Math.max(height, u32be(b, i + head + 8));
      }
      i += size;
    }
  };
  walk(0, b.length, 0);
  if (!width || !height) return undefined;
  return { type: 'image/avif', width, height, animated: sequence };
}

/** ICO: the largest entry (a decoder picks it), reading the header of an entry stored as PNG. */
function ico(b: Uint8Array): ImageHeader | undefined {
  const count = u16le(b, 4);
  if (!count || b.length < 6 + 16 * count) return undefined;
  let width = 0;
  let height = 0;
  for (let e = 0; e < count; e++) {
    const at = 6 + 16 * e;
    let w = b[at] || 256;
    let h = b[at + 1] || 256;
    const offset = u32le(b, at + 12);
    if (isPng(b, offset)) {
      const inner = png(b.subarray(offset));
      if (!inner) return undefined;
      w = inner.width;
      h = inner.height;
    }
    width = Math.max(width, w);
    height = Math.max(height, h);
  }
  return { type: 'image/x-icon', width, height, animated: false };
}

/** How much of a file's end `endsCutShort` reads. */
export const TAIL_BYTES = 1024;

/**
 * Whether a JPEG or PNG ends before its end marker: a download cut short. Chrome's decoder refuses
 * such a file; Firefox's paints the missing rows grey, which Backdrop would then stylize as if it
 * were the picture. `tail` is the file's last TAIL_BYTES (all of it when shorter). A JPEG's end
 * (FF D9) cannot occur inside its coded data, where every FF byte is followed by 00 or a restart
 * marker; trailing bytes some writers append after it are allowed.
 */
export function endsCutShort(tail: Uint8Array, type: string): boolean {
  if (type === 'image/jpeg') {
    for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
    return true;
  }
  if (type === 'image/png') {
    // The IEND chunk: its type, then a 4-byte CRC.
    for (let i = tail.length - 8; i >= 0; i--) {
      if (tail[i] === 0x49 && tail[i + 1] === 0x45 && tail[i + 2] === 0x4e && tail[i + 3] === 0x44) return false;
    }
    return true;
  }
  return false;
}
