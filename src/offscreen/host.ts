/**
 * The inference host that lives in the offscreen document: one runtime, the models, the style
 * bottleneck cache, and the message handler for jobs the background routes here.
 */
import type { BackgroundToOffscreen, StylizeOptions, StylizeReply } from '../messaging/protocol';
import { JobFailure } from '../inference/decode';
import { loadLiteRtRuntime } from '../inference/litert';
import { ModelSet, modelRuns } from '../inference/models';
import { stylize } from '../inference/pipeline';
import type { Runtime } from '../inference/runtime';
import { predictBottleneck } from '../inference/style';

export interface HostConfig {
  wasmDir: string;
  modelDir: string;
  log: (line: string) => void;
}

export class InferenceHost {
  private runtime?: Promise<Runtime>;
  private models?: ModelSet;
  private modelsThreads = -1;
  private bottlenecks = new Map<string, Promise<Float32Array>>();
  /** Jobs run one after another: the runtime's pool is sized for one model run at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly log: string[] = [];
  /** Stage timings of the last successful job (ms), for the tests and the benchmark. */
  lastTimings: Record<string, number> = {};

  constructor(private config: HostConfig) {}

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

  /** A style's bottleneck, predicted once per style and reused. */
  bottleneck(models: ModelSet, styleId: string, styleUrl: string): Promise<Float32Array> {
    let b = this.bottlenecks.get(styleId);
    if (!b) {
      b = (async () => {
        const res = await fetch(styleUrl);
        if (!res.ok) throw new JobFailure('blocked', `The style image could not be loaded (HTTP ${res.status}).`);
        const image = await createImageBitmap(await res.blob());
        try {
          return await predictBottleneck(models, image);
        } finally {
          image.close();
        }
      })();
      this.bottlenecks.set(styleId, b);
      b.catch(() => this.bottlenecks.delete(styleId));
    }
    return b;
  }

  /** Runs jobs strictly one at a time; a failed job never blocks the next. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  stylize(msg: BackgroundToOffscreen): Promise<StylizeReply> {
    return this.serial(async () => {
      try {
        const models = await this.getModels(msg.options.threads);
        const result = await stylize(msg.source, msg.options, {
          models,
          bottleneck: (id, url) => this.bottleneck(models, id, url),
        });
        this.lastTimings = result.timings;
        return { ok: true as const, result };
      } catch (e) {
        return { ok: false as const, error: toJobError(e) };
      }
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
      crossOriginIsolated: globalThis.crossOriginIsolated,
    };
  }

  warm(options: Pick<StylizeOptions, 'threads'>) {
    return this.serial(() => this.getModels(options.threads));
  }
}

export function toJobError(e: unknown) {
  if (e instanceof JobFailure) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal' as const, message: `Backdrop failed: ${message}`.slice(0, 480) };
}
