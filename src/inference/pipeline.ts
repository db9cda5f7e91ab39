import type { ImageSource, MaskOptions, PickPoint, StylizeOptions, StylizeResult } from '../messaging/protocol';
import { composite, refinedKeep } from './composite';
import { decodeImage, fetchImage, mayHaveAlpha, type FetchFacts } from './decode';
import { encodeBmp } from './encode';
import { argmaxLabels, gridPoints, KEEP_RAMP, recoverThinParts, subjectKeepAlpha } from './mask';
import { pickSeed, type KeepRegion } from './pick';
import {
  OFFICIAL_TRANSFER_SIZE, segmentationGrid, segmentationSize, STYLE_SIZE, transferSize, type ModelSet, type SegmentationSize, type TransferSize,
} from './models';
import { floatToRgba, pixelsAt, rgbaToFloat } from './preprocess';
import { paintBottleneck } from './style';

/** Records how long each stage takes, in ms. */
export class Stopwatch {
  readonly timings: Record<string, number> = {};
  private t = performance.now();
  lap(stage: string) {
    const now = performance.now();
    this.timings[stage] = (this.timings[stage] ?? 0) + (now - this.t);
    this.t = now;
  }
}

/** Segmentation input: the whole image at `size` (the photo's aspect ratio: segmentationSize), RGB in [-1, 1]. */
export const segmentationInput = (image: CanvasImageSource, size: SegmentationSize) =>
  rgbaToFloat(pixelsAt(image, size.width, size.height), 127.5, 127.5);
/**
 * Transfer input: the whole image at the transfer model's size (the photo's aspect ratio, see
 * transferSize; the official 384² by default), RGB in [0, 1]. The result is scaled back after.
 */
export const contentInput = (image: CanvasImageSource, size: TransferSize = OFFICIAL_TRANSFER_SIZE) =>
  rgbaToFloat(pixelsAt(image, size.width, size.height), 0, 255);

const sameSize = (a: TransferSize, b: TransferSize) => a.width === b.width && a.height === b.height;

export function toCanvas(rgba: Uint8ClampedArray<ArrayBuffer>, w: number, h: number): OffscreenCanvas {
  const c = new OffscreenCanvas(w, h);
  c.getContext('2d')!.putImageData(new ImageData(rgba, w, h), 0, 0);
  return c;
}

/** A keep-mask at the segmentation's size, and the settings it was made for. */
export interface KeepMask {
  key: string;
  alpha: ImageData;
  /** The mask refined at the working resolution with the photo as the guide (made on first need: refinedKeep). */
  edge?: OffscreenCanvas;
  /** "What I right-click on": the object's region is cut out of the refined mask (refinedKeep). */
  region?: KeepRegion;
  /** With a pick: whether the object under the point was found ('object') or every object kept. */
  picked?: 'object' | 'every-object';
}

const maskKey = ({ subject, invert, pick }: MaskOptions) =>
  `${invert ? 'invert' : 'keep'}:${subject.join(',')}${pick === undefined ? '' : `:pick=${pick ? `${pick.x},${pick.y}` : '?'}`}`;

/**
 * The keep-mask for `options`, at the segmentation's size, from DeepLab's grid of logits at `size`:
 * `cached` when it was made for the same settings. With a pick, the subject is the class under the
 * point (the nearest grid point of a subject class, PICK_REACH), and the region holding it is cut
 * out once the mask is refined; with no object there, every object of the subject classes is kept,
 * and the result says so. Thin parts DeepLab sees only faintly are kept too (recoverThinParts).
 */
export function keepMask(logits: Float32Array, size: SegmentationSize, options: MaskOptions, cached?: KeepMask): KeepMask {
  const key = maskKey(options);
  if (cached?.key === key) return cached;
  let { subject, invert } = options;
  let region: KeepRegion | undefined, picked: KeepMask['picked'];
  if (options.pick !== undefined) {
    const seed = options.pick ? findPicked(logits, size, options.pick, subject) : undefined;
    picked = seed ? 'object' : 'every-object';
    if (seed) {
      subject = [seed.cls];
      region = { point: seed.point, invert };
      invert = false; // inverted after the cut
    }
  }
  const grid = segmentationGrid(size);
  const alpha = new ImageData(subjectKeepAlpha(recoverThinParts(logits, grid, subject), { subject, invert, grid, ...KEEP_RAMP }), size.width, size.height);
  return { key, alpha, region, picked };
}

/**
 * The object nearest the click: its class, and a point on it. Searched among the grid's points
 * (every SEG_STEP-th pixel of the segmentation's size), each labelled with its strongest class; the
 * point returned is the found grid point's pixel centre, on the object even where the click was
 * just beside it.
 */
function findPicked(logits: Float32Array, size: SegmentationSize, point: PickPoint, subject: readonly number[]) {
  const grid = segmentationGrid(size);
  const { gw, gh } = gridPoints(grid)!;
  const seed = pickSeed(argmaxLabels(logits), gw, gh, point, subject);
  if (!seed) return undefined;
  return { cls: seed.cls, point: { x: (seed.x * grid.step + 0.5) / size.width, y: (seed.y * grid.step + 0.5) / size.height } };
}

/** An image read and made into the models' inputs: everything before the first model run. */
export interface Loaded {
  bitmap: ImageBitmap;
  /** Where the bytes came from (decides whether a page may be shown the result readably). */
  fetched: FetchFacts;
  type: string;
  downscaledFrom?: { width: number; height: number };
  segmentationInput: Float32Array;
  /** The size of segmentationInput (the logits are its grid: segmentationGrid). */
  segmentationSize: SegmentationSize;
  /** The transfer input, made at Standard detail's size (paint remakes it for another Detail). */
  content: Float32Array;
  contentSize: TransferSize;
  /** DeepLab's output, when it ran ahead of the job (on a right-clicked image, while the menu is open). */
  logits?: Float32Array;
  /** The keep-mask made from those logits ahead of the job. */
  keep?: KeepMask;
}

/** Everything about one image that does not depend on the style: kept so a restyle costs one transfer. */
export interface Prepared {
  bitmap: ImageBitmap;
  fetched: FetchFacts;
  type: string;
  downscaledFrom?: { width: number; height: number };
  /** DeepLab's logits at the points of its grid (segmentationGrid of segmentationSize). */
  logits: Float32Array;
  segmentationSize: SegmentationSize;
  /** The transfer input at `contentSize` (the last Detail painted: a restyle at the same Detail reuses it). */
  content: Float32Array;
  contentSize: TransferSize;
  /** The content image's own bottleneck, for strength < 1 (computed on first need). */
  contentBottleneck?: Float32Array;
  /** The last keep-mask made (a restyle with the same subject settings reuses it). */
  keep?: KeepMask;
}

/** Fetches, decodes and preprocesses an image (no model runs: a right-click may do it ahead). */
export async function load(source: ImageSource, sw = new Stopwatch()): Promise<Loaded> {
  const { blob, facts: fetched } = await fetchImage(source);
  sw.lap('fetch');
  return loadFetched(blob, fetched, sw);
}

/** Decodes and preprocesses an image's bytes, read already. */
export async function loadFetched(blob: Blob, fetched: FetchFacts, sw = new Stopwatch()): Promise<Loaded> {
  const { bitmap, type, downscaledFrom } = await decodeImage(blob);
  sw.lap('decode');
  try {
    const segSize = segmentationSize(bitmap.width, bitmap.height);
    const segIn = segmentationInput(bitmap, segSize);
    const contentSize = transferSize(bitmap.width, bitmap.height);
    const content = contentInput(bitmap, contentSize);
    sw.lap('preprocess');
    return { bitmap, fetched, type, downscaledFrom, segmentationInput: segIn, segmentationSize: segSize, content, contentSize };
  } catch (e) {
    bitmap.close();
    throw e;
  }
}

/**
 * Segments a loaded image (unless it was segmented ahead). The result owns its bitmap; on failure
 * the bitmap is closed.
 */
export async function prepare(loaded: Loaded, models: ModelSet, sw = new Stopwatch()): Promise<Prepared> {
  const { bitmap, fetched, type, downscaledFrom, content, contentSize } = loaded;
  try {
    const segSize = loaded.segmentationSize;
    let logits = loaded.logits;
    if (!logits) {
      logits = await models.segment(loaded.segmentationInput, segSize);
      sw.lap('segmentation');
    }
    return { bitmap, fetched, type, downscaledFrom, logits, segmentationSize: segSize, content, contentSize, keep: loaded.logits && loaded.keep };
  } catch (e) {
    bitmap.close();
    throw e;
  }
}

export interface PaintDeps {
  models: ModelSet;
  /** A style's bottleneck from the library (computed once, then cached). */
  bottleneck(styleId: string): Promise<Float32Array>;
}

/**
 * What a result is made of before its composite: enough to composite it again over the original at
 * another size (a save at the original's own size: save.ts), a few megabytes at most.
 */
export interface Layers {
  /** The transfer's output at its own size, covering the whole picture. */
  stylized: OffscreenCanvas;
  /** The refined keep-alpha (255 where the original stays), covering the whole picture. */
  keep: OffscreenCanvas;
  /** Whether the original can hold transparency: then its alpha is kept too. */
  keepTransparency: boolean;
}

/** A painted result: a lossless image file, what the page needs to know about it, and its layers. */
export interface Painted extends Omit<StylizeResult, 'dataUrl'> {
  file: Blob;
  fetched: FetchFacts;
  layers: Layers;
}

/** Paints a prepared image with the given options: mask, bottleneck blend, transfer, composite, encode. */
export async function paint(p: Prepared, options: StylizeOptions, deps: PaintDeps, sw = new Stopwatch()): Promise<Painted> {
  const layers = await paintLayers(p, options, deps, sw);
  const out = composite({ original: p.bitmap, ...layers });
  sw.lap('composite');
  const file = encodeBmp(out.getContext('2d')!.getImageData(0, 0, out.width, out.height));
  sw.lap('encode');
  return {
    file, fetched: p.fetched, width: p.bitmap.width, height: p.bitmap.height, downscaledFrom: p.downscaledFrom,
    picked: p.keep!.picked, timings: sw.timings, transfer: deps.models.lastTransfer, layers,
  };
}

/** The layers of a prepared image painted with the given options: mask (unless made already), bottleneck blend, transfer. */
export async function paintLayers(p: Prepared, options: StylizeOptions, deps: PaintDeps, sw = new Stopwatch()): Promise<Layers> {
  const cached = p.keep;
  const keep = (p.keep = keepMask(p.logits, p.segmentationSize, options, cached)).alpha;
  if (p.keep !== cached) sw.lap('mask');
  if (!p.keep.edge) {
    p.keep.edge = refinedKeep(p.bitmap, keep, p.keep.region);
    sw.lap('refine');
  }
  const edge = p.keep.edge;
  const style = await deps.bottleneck(options.styleId);
  const mix = options.mixStyleId ? await deps.bottleneck(options.mixStyleId) : undefined;
  if (options.strength < 1 && !p.contentBottleneck) {
    p.contentBottleneck = await deps.models.predict(rgbaToFloat(pixelsAt(p.bitmap, STYLE_SIZE, STYLE_SIZE), 0, 255));
  }
  const bottleneck = paintBottleneck(style, { mix, mixRatio: options.mixRatio, strength: options.strength, content: p.contentBottleneck });
  sw.lap('style');
  // The transfer runs at the photo's aspect ratio, at the size the Detail setting asks for.
  const size = transferSize(p.bitmap.width, p.bitmap.height, options.detail);
  if (!sameSize(p.contentSize, size)) {
    p.content = contentInput(p.bitmap, size);
    p.contentSize = size;
    sw.lap('preprocess');
  }
  const styled = await deps.models.transfer(options.transferModel, p.content, bottleneck, size);
  sw.lap('transfer');
  const stylized = toCanvas(floatToRgba(styled, size.width * size.height), size.width, size.height);
  return { stylized, keep: edge, keepTransparency: mayHaveAlpha(p.type) };
}

/** A small LRU of prepared images, closing bitmaps as they fall out. */
export class PreparedCache {
  private map = new Map<string, Prepared>();
  constructor(private capacity = 8) {}
  get(key: string) {
    const p = this.map.get(key);
    if (p) {
      this.map.delete(key);
      this.map.set(key, p);
    }
    return p;
  }
  /** Whether `key` is cached (without touching its place in the order). */
  has(key: string) {
    return this.map.has(key);
  }
  set(key: string, p: Prepared) {
    this.map.delete(key);
    this.map.set(key, p);
    while (this.map.size > this.capacity) {
      const [oldKey, old] = this.map.entries().next().value as [string, Prepared];
      this.map.delete(oldKey);
      old.bitmap.close();
    }
  }
  get size() {
    return this.map.size;
  }
}
