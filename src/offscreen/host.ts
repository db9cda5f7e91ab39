/**
 * The inference host that lives in the offscreen document: one runtime, the models, the style
 * library's bottlenecks, a small cache of prepared images, and the handler for jobs routed here.
 */
import type { AddStyleReply, BackgroundToOffscreen, StylizeOptions, StylizeReply, ToPngReply } from '../messaging/protocol';
import { JobFailure } from '../inference/decode';
import { loadLiteRtRuntime } from '../inference/litert';
import { ModelSet, modelRuns } from '../inference/models';
import { paint, prepare, PreparedCache, Stopwatch } from '../inference/pipeline';
import type { Runtime } from '../inference/runtime';
import { StyleService } from './styles';
import { blobToDataUrl } from '../inference/encode';
import { canvasToPng } from '../inference/png';

export interface HostConfig {
  wasmDir: string;
  modelDir: string;
  extensionUrl: (path: string) => string;
  log: (line: string) => void;
}

type Msg<T extends BackgroundToOffscreen['type']> = Extract<BackgroundToOffscreen, { type: T }>;

export class InferenceHost {
  private runtime?: Promise<Runtime>;
  private models?: ModelSet;
  private modelsThreads = -1;
  private prepared = new PreparedCache(8);
  readonly styles: StyleService;
  /** Jobs run one after another: the runtime's pool is sized for one model run at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly log: string[] = [];
  /** Stage timings of the last successful job (ms), for the tests and the benchmark. */
  lastTimings: Record<string, number> = {};

  constructor(private config: HostConfig) {
    this.styles = new StyleService(config.extensionUrl);
  }

  async getRuntime(): Promise<Runtime> {
    this.runtime ??= loadLiteRtRuntime({
      wasmDir: this.config.wasmDir,
      threaded: (navigator.hardwareConcurrency || 1) > 1,
      log: this.config.log,
    }).catch((e) => {
      this.runtime = undefined;
      throw e;
    });
    return this.runtime;
  }

  async getModels(threads: number): Promise<ModelSet> {
    const runtime = await this.getRuntime();
    if (!this.models || this.modelsThreads !== threads) {
      await this.models?.dispose();
      this.models = new ModelSet(runtime, this.config.modelDir, threads);
      this.modelsThreads = threads;
    }
    return this.models;
  }

  /** Runs jobs strictly one at a time; a failed job never blocks the next. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  handle(msg: BackgroundToOffscreen): Promise<unknown> {
    switch (msg.type) {
      case 'stylize': return this.stylize(msg);
      case 'add-style': return this.addStyle(msg);
      case 'to-png': return this.toPng(msg);
    }
  }

  stylize(msg: Msg<'stylize'>): Promise<StylizeReply> {
    return this.serial(() => outcome(async () => {
      const models = await this.getModels(msg.options.threads);
      const sw = new Stopwatch();
      const key = msg.source.kind === 'url' ? msg.source.url : msg.source.dataUrl;
      let p = this.prepared.get(key);
      if (!p) {
        p = await prepare(msg.source, models, sw);
        this.prepared.set(key, p);
      }
      const result = await paint(p, msg.options, { models, bottleneck: (id) => this.styles.bottleneck(models, id) }, sw);
      this.lastTimings = result.timings;
      return { result };
    }));
  }

  addStyle(msg: Msg<'add-style'>): Promise<AddStyleReply> {
    return this.serial(() => outcome(async () => {
      const models = await this.getModels(this.modelsThreads < 0 ? 0 : this.modelsThreads);
      return this.styles.add(models, msg.source, msg.name, msg.origin);
    }));
  }

  /** A lossless PNG of a shown result, rasterized at full resolution (for saving). */
  toPng(msg: Msg<'to-png'>): Promise<ToPngReply> {
    return outcome(async () => {
      // The result is an SVG of layers: an <img> rasterizes it (createImageBitmap does not take SVG).
      const img = new Image();
      img.src = msg.dataUrl;
      await img.decode();
      const c = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
      c.getContext('2d')!.drawImage(img, 0, 0);
      return { dataUrl: await blobToDataUrl(await canvasToPng(c)) };
    });
  }

  async info() {
    const runtime = await this.getRuntime();
    return {
      runtime: runtime.name,
      accelerator: runtime.accelerator,
      maxThreads: runtime.maxThreads,
      plan: this.models?.plan,
      modelRuns: { ...modelRuns },
      preparedCached: this.prepared.size,
      crossOriginIsolated: globalThis.crossOriginIsolated,
    };
  }

  warm(options: Pick<StylizeOptions, 'threads'>) {
    return this.serial(() => this.getModels(options.threads));
  }
}

async function outcome<T extends object>(work: () => Promise<T>): Promise<({ ok: true } & T) | { ok: false; error: ReturnType<typeof toJobError> }> {
  try {
    return { ok: true as const, ...(await work()) };
  } catch (e) {
    return { ok: false as const, error: toJobError(e) };
  }
}

export function toJobError(e: unknown) {
  if (e instanceof JobFailure) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal' as const, message: `Backdrop failed: ${message}`.slice(0, 480) };
}
