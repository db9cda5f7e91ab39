import type { LoadedModel, Runtime } from './runtime';
import { threadPlan } from './runtime';
import { probe } from '../test-hooks/probe';

export const SEG_SIZE = 257;
/**
 * DeepLab's 257² logits are a bilinear (align-corners) upsampling of its 33² output grid: every 8th
 * pixel is a grid point (checked on real photos by tests/e2e/golden.test.ts). The mask uses it to
 * decide whole cells at once (subjectKeepAlpha).
 */
export const SEG_GRID = { width: SEG_SIZE, step: 8 } as const;
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

/** sha256 of the installed prediction model (pinned by provisioning): stamps every cached bottleneck. */
export const PREDICTION_SHA256 = 'af6ad4b2e7aeba0675f32636082ab915ced5375229a3f8aff7e714c6213f5ed2';

const transferInputs = (content: Float32Array, bottleneck: Float32Array) => [
  { data: content, shape: [1, CONTENT_SIZE, CONTENT_SIZE, 3] },
  { data: bottleneck, shape: [1, 1, 1, BOTTLENECK] },
];

/**
 * The three models, loaded lazily and kept alive (compiling is not free). At most one transfer
 * model is live at a time, so the live models never hold more pool workers than exist.
 */
export class ModelSet {
  private seg?: Promise<LoadedModel>;
  private pred?: Promise<LoadedModel>;
  private transferKind?: TransferKind;
  private trans?: Promise<LoadedModel>;
  /** The models that have run at least once (the first run pays the set-up): warmUp skips them. */
  private ran = new Set<string>();
  readonly plan: ReturnType<typeof threadPlan>;

  constructor(private runtime: Runtime, private modelDir: string, threads: number) {
    this.plan = ModelSet.planFor(runtime, threads);
  }

  static planFor(runtime: Runtime, threads: number) {
    return threadPlan(runtime.maxThreads > 1 ? runtime.maxThreads : 0, threads);
  }

  /** Loads a model; a failed load is forgotten so that the next job tries again. */
  private load(file: string, threads: number, name: string): Promise<LoadedModel> {
    const p = this.runtime.load(this.modelDir + file, { threads, name });
    p.catch(() => {
      if (this.seg === p) this.seg = undefined;
      if (this.pred === p) this.pred = undefined;
      if (this.trans === p) { this.trans = undefined; this.transferKind = undefined; }
    });
    return p;
  }

  async segment(input: Float32Array): Promise<Float32Array> {
    const [logits] = await (await this.segmentation()).run([{ data: input, shape: [1, SEG_SIZE, SEG_SIZE, 3] }]);
    this.ran.add('segmentation');
    if (import.meta.env.MODE === 'test') probe.modelRuns.segmentation++;
    return logits;
  }

  async predict(input: Float32Array): Promise<Float32Array> {
    this.pred ??= this.load(MODEL_FILES.prediction, this.plan.prediction, 'prediction');
    const [bottleneck] = await (await this.pred).run([{ data: input, shape: [1, STYLE_SIZE, STYLE_SIZE, 3] }]);
    if (import.meta.env.MODE === 'test') probe.modelRuns.prediction++;
    return bottleneck;
  }

  private segmentation(): Promise<LoadedModel> {
    this.seg ??= this.load(MODEL_FILES.segmentation, this.plan.segmentation, 'segmentation');
    return this.seg;
  }

  /** The transfer model of `kind`; at most one kind is live (switching deletes the other). */
  private async transferModel(kind: TransferKind): Promise<LoadedModel> {
    if (this.transferKind !== kind) {
      const old = this.trans;
      this.trans = undefined;
      if (this.transferKind) this.ran.delete(`transfer-${this.transferKind}`);
      if (old) (await old.catch(() => undefined))?.delete();
      this.transferKind = kind;
      this.trans = this.load(MODEL_FILES.transfer[kind], this.plan.transfer, `transfer-${kind}`);
    }
    return this.trans!;
  }

  async transfer(kind: TransferKind, content: Float32Array, bottleneck: Float32Array): Promise<Float32Array> {
    const [stylized] = await (await this.transferModel(kind)).run(transferInputs(content, bottleneck));
    this.ran.add(`transfer-${kind}`);
    if (import.meta.env.MODE === 'test') probe.modelRuns.transfer++;
    return stylized;
  }

  /**
   * Starts loading the models a stylization needs without waiting for them: a cold job fetches and
   * decodes its image meanwhile.
   */
  preload(kind: TransferKind): void {
    this.segmentation().catch(() => {});
    this.transferModel(kind).catch(() => {});
  }

  /**
   * Loads and compiles segmentation and the transfer model and runs each once on zeros, so that the
   * first real image pays neither compilation nor first-run set-up (weight packing). A model that
   * has run already is not run again. Not counted in probe.modelRuns. Stops before a trial run when
   * `stop()` says so (a real job's first runs do the same set-up).
   */
  async warmUp(kind: TransferKind, stop: () => boolean | Promise<boolean> = () => false): Promise<void> {
    if (!this.ran.has('segmentation')) {
      const seg = await this.segmentation();
      if (await stop()) return;
      await seg.run([{ data: new Float32Array(SEG_SIZE * SEG_SIZE * 3), shape: [1, SEG_SIZE, SEG_SIZE, 3] }]);
      this.ran.add('segmentation');
      if (import.meta.env.MODE === 'test') probe.warmUpRuns.segmentation++;
    }
    const transfer = `transfer-${kind}`;
    const model = await this.transferModel(kind);
    if (!this.ran.has(transfer)) {
      if (await stop()) return;
      await model.run(transferInputs(new Float32Array(CONTENT_SIZE * CONTENT_SIZE * 3), new Float32Array(BOTTLENECK)));
      this.ran.add(transfer);
      if (import.meta.env.MODE === 'test') probe.warmUpRuns.transfer++;
    }
  }

  async dispose() {
    for (const m of [this.seg, this.pred, this.trans]) (await m?.catch(() => undefined))?.delete();
    this.seg = this.pred = this.trans = undefined;
    this.transferKind = undefined;
    this.ran.clear();
  }
}
