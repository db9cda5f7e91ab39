import { MAX_PIXELS, MAX_SIDE, MIN_SIDE, type ErrorCode, type ImageSource } from '../messaging/protocol';
import { fitWithin } from './preprocess';

export class JobFailure extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

/** The first bytes of the image formats a browser decodes. */
export function sniffImageType(head: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => head[i + j] === b);
  const ascii = (i: number, s: string) => [...s].every((ch, j) => head[i + j] === ch.charCodeAt(0));
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (ascii(0, 'GIF8')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(4, 'ftypavif') || ascii(4, 'ftypavis')) return 'image/avif';
  if (ascii(0, 'BM')) return 'image/bmp';
  if (at(0, 0, 0, 1, 0)) return 'image/x-icon';
  return undefined;
}

/**
 * Where an image's bytes came from: what decides whether the page that shows it could read them
 * itself (src/offscreen/delivery.ts). `data` is bytes the page handed over.
 */
export type FetchFacts = { kind: 'url'; finalUrl: string; redirected: boolean } | { kind: 'data' };

export interface Fetched {
  blob: Blob;
  facts: FetchFacts;
}

/** Fetches the bytes of an image, mapping every failure to a plain-words error. */
export async function fetchImage(source: ImageSource): Promise<Fetched> {
  const url = source.kind === 'url' ? source.url : source.dataUrl;
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'include', cache: 'force-cache' });
  } catch {
    throw new JobFailure('blocked', 'Could not download the image: the network refused it or it is blocked.');
  }
  if (res.status === 404 || res.status === 410) throw new JobFailure('not-found', `Image not found (HTTP ${res.status}).`);
  if (res.status === 401 || res.status === 403) throw new JobFailure('blocked', `Access to the image was refused (HTTP ${res.status}).`);
  if (!res.ok) throw new JobFailure('blocked', `The server could not deliver the image (HTTP ${res.status}).`);
  const facts: FetchFacts = source.kind === 'data' ? { kind: 'data' } : { kind: 'url', finalUrl: res.url || url, redirected: res.redirected };
  return { blob: await res.blob(), facts };
}

export interface Decoded {
  bitmap: ImageBitmap;
  type: string;
  /** Set when the original was over MAX_SIDE or MAX_PIXELS and was decoded downscaled. */
  downscaledFrom?: { width: number; height: number };
}

/** Decodes with EXIF orientation applied, refusing what is not an image, too small or undecodable. */
export async function decodeImage(blob: Blob): Promise<Decoded> {
  const head = new Uint8Array(await blob.slice(0, 16).arrayBuffer());
  const type = sniffImageType(head);
  if (!type) {
    const declared = blob.type ? ` (the server said ${blob.type})` : '';
    throw new JobFailure('not-image', `This is not an image Backdrop can read${declared}.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new JobFailure('decode-failed', 'The image could not be decoded: the file is damaged or incomplete.');
  }
  const { width, height } = bitmap;
  if (width < MIN_SIDE || height < MIN_SIDE) {
    bitmap.close();
    throw new JobFailure('too-small', `The image is too small (${width}×${height}); Backdrop needs at least ${MIN_SIDE}×${MIN_SIDE} px.`);
  }
  const fit = fitWithin(width, height, MAX_SIDE, MAX_PIXELS);
  if (!fit.scaled) return { bitmap, type };
  const scaled = await createImageBitmap(bitmap, { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' });
  bitmap.close();
  return { bitmap: scaled, type, downscaledFrom: { width, height } };
}

export const mayHaveAlpha = (type: string) => type !== 'image/jpeg' && type !== 'image/bmp';
