import type { LoadedModel, Runtime } from './runtime';
import type { TransferRun } from '../messaging/protocol';
import { threadPlan } from './runtime';
import { probe } from '../test-hooks/probe';
import { resizeTransferModel } from './tflite-resize';
import { resizeSegmentationModel } from './deeplab-resize';
import type { LogitGrid } from './mask';

/** The official DeepLab file's input side (its graph runs at other 8k + 1 sizes too: deeplab-resize.ts). */
export const SEG_SIZE = 257;
/** DeepLab's output stride: its logits are a grid with a point every 8th input pixel. */
export const SEG_STEP = 8;

/** The size DeepLab runs at (its input; the keep-mask is made at this size too): 8k + 1 on each side. */
export interface SegmentationSize {
  height: number;
  width: number;
}

/** The official file's own size. */
export const OFFICIAL_SEG_SIZE: SegmentationSize = { height: SEG_SIZE, width: SEG_SIZE };

/** SEG_LONG_SIDE unless a build sets another (see there). */
const DEFAULT_SEG_LONG_SIDE = 769;

/**
 * The long side DeepLab sees a photo at: 769, three times the official 257. Chosen by measurement
 * (docs/benchmark.md, "Thin parts found"): on the fixture photos each step up from 385 (513, 577, 641,
 * 705, 769) kept more of the thin parts and lowered the halo; at 769 the dancer's raised arm is kept
 * (tests/e2e/edges.test.ts), which no smaller size nor the old 257² with two close-ups did. One run at
 * 769×577 costs 1.1–1.3× what the old path's three 257² runs cost (the graph cut before its last
 * resize helps), and the wasm heap grows by ~60 MB. A build can set another size with the environment
 * variable VITE_SEG_LONG (e.g. `VITE_SEG_LONG=513 npm run build`), to measure picture quality and cost
 * without editing code; segmentationSize rounds each side to 8k + 1.
 */
export const SEG_LONG_SIDE: number = Number(import.meta.env.VITE_SEG_LONG) || DEFAULT_SEG_LONG_SIDE;

const to8k1 = (v: number) => Math.max(SEG_STEP + 1, Math.round((v - 1) / SEG_STEP) * SEG_STEP + 1);

/** The size DeepLab sees a photo of width×height at: its aspect ratio, SEG_LONG_SIDE on the long side, both sides 8k + 1. */
export function segmentationSize(width: number, height: number): SegmentationSize {
  const long = Math.max(width, height);
  return { height: to8k1((SEG_LONG_SIDE * height) / long), width: to8k1((SEG_LONG_SIDE * width) / long) };
}

/**
 * DeepLab's logits at `size` as segment() gives them: the points of a grid, every 8th pixel
 * (((width − 1)/8 + 1)×((height − 1)/8 + 1)), standing for their bilinear upsampling to `size`
 * (mask.ts LogitGrid). The official graph's last operator makes that upsampling, 21 channels at full
 * size; the pipeline's copy stops before it, and the mask upsamples only the cells on the subject's
 * edge (checked against the official file by tests/e2e/golden.test.ts).
 */
export const segmentationGrid = ({ width, height }: SegmentationSize): LogitGrid => ({ width, height, step: SEG_STEP });

export const STYLE_SIZE = 256;
export const CONTENT_SIZE = 384;
export const BOTTLENECK = 100;

export const MODEL_FILES = {
  segmentation: 'lite-model_deeplabv3_1_metadata_2.tflite',
  prediction: 'magenta_arbitrary-image-stylization-v1-256_int8_prediction_1.tflite',
  transfer: {
    fp16: 'magenta_arbitrary-image-stylization-v1-256_fp16_transfer_1.tflite',
    int8: 'magenta_arbitrary-image-stylization-v1-256_int8_transfer_1.tflite',
  },
} as const;

export type TransferKind = keyof typeof MODEL_FILES.transfer;

/**
 * The transfer files' sizes in bytes, as shipped (provisioning pins their sha256, so these cannot
 * drift; tests/unit/model-pins.test.ts checks them against public/models). The popup shows them.
 */
export const TRANSFER_FILE_BYTES: Record<TransferKind, number> = { fp16: 422_086, int8: 284_398 };

/** sha256 of the installed prediction model (pinned by provisioning): stamps every cached bottleneck. */
export const PREDICTION_SHA256 = 'af6ad4b2e7aeba0675f32636082ab915ced5375229a3f8aff7e714c6213f5ed2';

/** The size the transfer model runs at (its content input and its output): multiples of 4. */
export interface TransferSize {
  height: number;
  width: number;
}

/** The official files' own size. */
export const OFFICIAL_TRANSFER_SIZE: TransferSize = { height: CONTENT_SIZE, width: CONTENT_SIZE };

/** How finely the background is painted: the transfer model's input size (README, "Detail"). */
export type Detail = 'standard' | 'high' | 'full';

/** High: the long side, in pixels. */
export const HIGH_LONG_SIDE = 768;
/**
 * Full: the photo's own size, capped at 1024×768's pixel count (and 1280 on the long side). Measured
 * (tests/e2e/detail.test.ts, docs/benchmark.md "Detail"): the wasm heap, which never shrinks while
 * the offscreen document lives, grows with the largest run: 176 MB at Standard, ~600 MB up to 768²,
 * 851 MB at 768×1024, 1228 MB at 960×1280, 1656 MB at 1280²; the fp16 run takes ~1 s at 768×1024
 * (~5× Standard) and 1.6–2.5 s above. Past 1024×768 each step costs another ~0.4 GB for little
 * visible gain over a photo shown at most ~1600 px wide.
 */
export const FULL_MAX_PIXELS = 1024 * 768;
export const FULL_LONG_SIDE = 1280;

/** The time above which an fp16 run counts as one of the rare slow ones (ModelSet.transfer). */
const SLOW_FLOOR = (expectedMs: number) => Math.max(ModelSet.SLOW_FLOOR_MS, ModelSet.SLOW_FACTOR * expectedMs);

const down4 = (v: number) => Math.max(4, Math.floor(v / 4) * 4);

/**
 * The transfer model's size for a photo of width×height at `detail`, at the photo's aspect ratio
 * (both sides multiples of 4). Standard costs what the square 384² did (the same pixel count);
 * High puts 768 on the long side, Full the photo's own size up to FULL_MAX_PIXELS; neither goes
 * below Standard, and High never exceeds Full.
 */
export function transferSize(width: number, height: number, detail: Detail = 'standard'): TransferSize {
  const at = (scale: number): TransferSize => ({ height: down4(height * scale), width: down4(width * scale) });
  const standard = Math.sqrt((CONTENT_SIZE * CONTENT_SIZE) / (width * height));
  const long = Math.max(width, height);
  const full = Math.min(1, FULL_LONG_SIDE / long, Math.sqrt(FULL_MAX_PIXELS / (width * height)));
  const scale = detail === 'standard' ? standard
    : detail === 'high' ? Math.max(standard, Math.min(full, HIGH_LONG_SIDE / long))
    : Math.max(standard, full);
  return at(scale);
}

const sameSeg = (a: SegmentationSize, b: SegmentationSize) => a.height === b.height && a.width === b.width;
const segKey = (size: SegmentationSize) => `segmentation-${size.height}x${size.width}`;

const transferInputs = (content: Float32Array, bottleneck: Float32Array, size: TransferSize) => [
  { data: content, shape: [1, size.height, size.width, 3] },
  { data: bottleneck, shape: [1, 1, 1, BOTTLENECK] },
];

/** A transfer model's name: its kind, and its size when not the official file's. */
const transferKey = (kind: TransferKind, { height, width }: TransferSize) =>
  height === CONTENT_SIZE && width === CONTENT_SIZE ? `transfer-${kind}` : `transfer-${kind}-${height}x${width}`;

/**
 * The three models, loaded lazily and kept alive (compiling is not free). At most one transfer
 * model (one kind at one size) is live at a time, so the live models never hold more pool workers
 * than exist (threadPlan: with two cores, segmentation and one transfer model take the whole pool,
 * and a second live transfer model would deadlock the page); likewise one segmentation model. A
 * transfer size other than the file's own, and every segmentation size, is the official file
 * rewritten (tflite-resize.ts, deeplab-resize.ts): its bytes are fetched once and each size is
 * rewritten in a few ms and compiled in tens of ms, so switching sizes is cheap.
 */
export class ModelSet {
  private seg?: Promise<LoadedModel>;
  /**
   * The live segmentation model's size (one at a time, like the transfer's): before any photo, a
   * square photo's, which warmUp and preload compile; a job then keeps its photo's.
   */
  private segSize: SegmentationSize = segmentationSize(1, 1);
  /** The official segmentation file's bytes, fetched once (rewritten for each size). */
  private segBytes?: Promise<Uint8Array>;
  private pred?: Promise<LoadedModel>;
  /** The live transfer model's key (kind and size). */
  private transferKind?: string;
  /** The live transfer model's kind and size: warmUp and preload, which know no photo, keep them. */
  private live?: { kind: TransferKind; size: TransferSize };
  private trans?: Promise<LoadedModel>;
  /** The official transfer files' bytes, fetched once per kind (rewritten for each size). */
  private transferBytes = new Map<TransferKind, Promise<Uint8Array>>();
  /** The models that have run at least once (the first run pays the set-up): warmUp skips them. */
  private ran = new Set<string>();
  /**
   * The last transfer run on a real input: the kind that ran (High and Full may have fallen back to
   * int8), how long the model ran (not its loading), and whether it had run before at that size (a
   * first run pays its set-up too). The popup shows it as the variant's latency on this machine.
   */
  lastTransfer?: TransferRun;
  readonly plan: ReturnType<typeof threadPlan>;

  constructor(private runtime: Runtime, private modelDir: string, threads: number) {
    this.plan = ModelSet.planFor(runtime, threads);
  }

  static planFor(runtime: Runtime, threads: number) {
    return threadPlan(runtime.maxThreads > 1 ? runtime.maxThreads : 0, threads);
  }

  /** Loads a model; a failed load is forgotten so that the next job tries again. */
  private load(file: string | Promise<Uint8Array>, threads: number, name: string): Promise<LoadedModel> {
    const p = typeof file === 'string'
      ? this.runtime.load(this.modelDir + file, { threads, name })
      : file.then((bytes) => this.runtime.load(bytes, { threads, name }));
    p.catch(() => {
      if (this.seg === p) this.seg = undefined;
      if (this.pred === p) this.pred = undefined;
      if (this.trans === p) { this.trans = undefined; this.transferKind = undefined; }
    });
    return p;
  }

  /**
   * DeepLab on a photo's input at `size` (segmentationSize): its logits at the points of the grid
   * (segmentationGrid), not upsampled.
   */
  async segment(input: Float32Array, size: SegmentationSize): Promise<Float32Array> {
    const [logits] = await (await this.segmentation(size)).run([{ data: input, shape: [1, size.height, size.width, 3] }]);
    this.ran.add(segKey(size));
    if (import.meta.env.MODE === 'test') probe.modelRuns.segmentation++;
    return logits;
  }

  async predict(input: Float32Array): Promise<Float32Array> {
    this.pred ??= this.load(MODEL_FILES.prediction, this.plan.prediction, 'prediction');
    const [bottleneck] = await (await this.pred).run([{ data: input, shape: [1, STYLE_SIZE, STYLE_SIZE, 3] }]);
    if (import.meta.env.MODE === 'test') probe.modelRuns.prediction++;
    return bottleneck;
  }

  /**
   * The segmentation model at `size`: the official file rewritten to that size and cut before its
   * final resize (deeplab-resize.ts), its bytes fetched once. At most one is live: switching size
   * deletes the other first, so the pool never has to serve two (a photo of another aspect ratio
   * recompiles it, as the transfer model does).
   */
  private segmentation(size: SegmentationSize = this.segSize): Promise<LoadedModel> {
    if (this.seg && sameSeg(size, this.segSize)) return this.seg;
    const old = this.seg;
    this.ran.delete(segKey(this.segSize));
    this.segSize = size;
    if (!this.segBytes) {
      const bytes = fetch(this.modelDir + MODEL_FILES.segmentation)
        .then((r) => {
          if (!r.ok) throw new Error(`model ${MODEL_FILES.segmentation}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((b) => new Uint8Array(b));
      bytes.catch(() => { if (this.segBytes === bytes) this.segBytes = undefined; });
      this.segBytes = bytes;
    }
    const source = this.segBytes.then((b) => resizeSegmentationModel(b, size.height, size.width, { grid: true }));
    const loading = (async () => {
      if (old) (await old.catch(() => undefined))?.delete();
      return this.load(source, this.plan.segmentation, segKey(size));
    })();
    loading.catch(() => { if (this.seg === loading) this.seg = undefined; });
    this.seg = loading;
    return loading;
  }

  /** The official bytes of a transfer file (a failed fetch is forgotten). */
  private officialTransfer(kind: TransferKind): Promise<Uint8Array> {
    let p = this.transferBytes.get(kind);
    if (!p) {
      p = fetch(this.modelDir + MODEL_FILES.transfer[kind])
        .then((r) => {
          if (!r.ok) throw new Error(`model ${MODEL_FILES.transfer[kind]}: HTTP ${r.status}`);
          return r.arrayBuffer();
        })
        .then((b) => new Uint8Array(b));
      p.catch(() => this.transferBytes.delete(kind));
      this.transferBytes.set(kind, p);
    }
    return p;
  }

  /**
   * The transfer model of `kind` at `size`; at most one is live (switching kind or size deletes
   * the other first, so the pool never has to serve two).
   */
  private async transferModel(kind: TransferKind, size: TransferSize = OFFICIAL_TRANSFER_SIZE): Promise<LoadedModel> {
    const key = transferKey(kind, size);
    if (this.transferKind !== key) {
      const old = this.trans;
      this.trans = undefined;
      if (this.transferKind) this.ran.delete(this.transferKind);
      this.transferKind = key;
      this.live = { kind, size };
      const official = size.height === CONTENT_SIZE && size.width === CONTENT_SIZE;
      const source = official
        ? MODEL_FILES.transfer[kind]
        : this.officialTransfer(kind).then((bytes) => resizeTransferModel(bytes, size.height, size.width));
      const loading = (async () => {
        if (old) (await old.catch(() => undefined))?.delete();
        return this.load(source, this.plan.transfer, key);
      })();
      loading.catch(() => {
        if (this.trans === loading) { this.trans = undefined; this.transferKind = undefined; }
      });
      this.trans = loading;
    }
    return this.trans!;
  }

  /** Whether the transfer model of `kind` at `size` is compiled and has run (a warm job at that size). */
  transferReady(kind: TransferKind, size: TransferSize = OFFICIAL_TRANSFER_SIZE): boolean {
    return this.ran.has(transferKey(kind, size));
  }

  /**
   * The guard against the rare multi-second fp16 runs (../shared/NOTES.md: 7–8 s at 384² now and then,
   * 30 s at 768² once). A wasm run cannot be interrupted, so a time budget cannot cut one short; and
   * on 2 cores here int8 ran High's sizes as fast as fp16 (768²: 0.94–1.15 s against 1.06–1.31 s;
   * 576×768: 0.71–0.84 against 0.83–0.93), so the fallback costs no time. So: once an fp16 run
   * above 384²'s pixel count takes more than SLOW_FACTOR × what its pixel count predicts from the
   * fastest run seen (and over SLOW_FLOOR_MS), High and Full use int8 for the rest of this
   * document's life (it closes after 5 idle minutes). Standard keeps the person's choice.
   */
  private fp16Slow = false;
  /** The fastest transfer run seen, in ms per pixel. */
  private msPerPixel = Infinity;
  static readonly SLOW_FACTOR = 3;
  static readonly SLOW_FLOOR_MS = 3000;

  /** Whether High and Full have fallen back to int8 (see fp16Slow). */
  get transferFallback(): boolean {
    return this.fp16Slow;
  }

  async transfer(kind: TransferKind, content: Float32Array, bottleneck: Float32Array, size: TransferSize = OFFICIAL_TRANSFER_SIZE): Promise<Float32Array> {
    const pixels = size.height * size.width;
    const large = pixels > CONTENT_SIZE * CONTENT_SIZE;
    if (kind === 'fp16' && large && this.fp16Slow) kind = 'int8';
    const key = transferKey(kind, size);
    const model = await this.transferModel(kind, size);
    const t0 = performance.now();
    const [stylized] = await model.run(transferInputs(content, bottleneck, size));
    const ms = performance.now() - t0;
    this.lastTransfer = { model: kind, ms, warm: this.ran.has(key) };
    // A first run at a size pays its set-up (weight packing): only later runs teach the rate.
    if (this.ran.has(key)) {
      const expected = this.msPerPixel * pixels;
      if (kind === 'fp16' && large && ms > SLOW_FLOOR(expected)) this.fp16Slow = true;
      this.msPerPixel = Math.min(this.msPerPixel, ms / pixels);
    }
    this.ran.add(key);
    if (import.meta.env.MODE === 'test') probe.modelRuns.transfer++;
    return stylized;
  }

  /**
   * Starts loading the models a stylization needs without waiting for them: a cold job fetches and
   * decodes its image meanwhile.
   */
  preload(kind: TransferKind, size?: TransferSize): void {
    this.segmentation().catch(() => {});
    this.transferModel(kind, this.sizeFor(kind, size)).catch(() => {});
  }

  /**
   * `size`, or when none is given the live model's size if it is of `kind` (a job at the photo's
   * aspect compiled it: warming or preloading at 384² would replace it, and the next job would
   * compile it again), else the official 384².
   */
  private sizeFor(kind: TransferKind, size?: TransferSize): TransferSize {
    return size ?? (this.live?.kind === kind ? this.live.size : OFFICIAL_TRANSFER_SIZE);
  }

  /**
   * Loads and compiles segmentation and the transfer model and runs each once on zeros, so that the
   * first real image pays neither compilation nor first-run set-up (weight packing). A model that
   * has run already is not run again. Not counted in probe.modelRuns. Stops before a trial run when
   * `stop()` says so (a real job's first runs do the same set-up).
   */
  async warmUp(kind: TransferKind, stop: () => boolean | Promise<boolean> = () => false, wanted?: TransferSize): Promise<void> {
    const size = this.sizeFor(kind, wanted);
    const segSize = this.segSize;
    if (!this.ran.has(segKey(segSize))) {
      const seg = await this.segmentation(segSize);
      if (await stop()) return;
      await seg.run([{ data: new Float32Array(segSize.height * segSize.width * 3), shape: [1, segSize.height, segSize.width, 3] }]);
      this.ran.add(segKey(segSize));
      if (import.meta.env.MODE === 'test') probe.warmUpRuns.segmentation++;
    }
    const transfer = transferKey(kind, size);
    const model = await this.transferModel(kind, size);
    if (!this.ran.has(transfer)) {
      if (await stop()) return;
      await model.run(transferInputs(new Float32Array(size.height * size.width * 3), new Float32Array(BOTTLENECK), size));
      this.ran.add(transfer);
      if (import.meta.env.MODE === 'test') probe.warmUpRuns.transfer++;
    }
  }

  async dispose() {
    for (const m of [this.seg, this.pred, this.trans]) (await m?.catch(() => undefined))?.delete();
    this.seg = this.pred = this.trans = undefined;
    this.segSize = segmentationSize(1, 1);
    this.transferKind = undefined;
    this.live = undefined;
    this.ran.clear();
  }
}
