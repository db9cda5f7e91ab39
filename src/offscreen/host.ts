/**
 * The inference host that lives in the offscreen document: one runtime, the models, the style
 * library's bottlenecks, a small cache of prepared images, and the handler for jobs routed here.
 */
import type {
  AddStyleReply, ImageSource, MaskOptions, PageContext, SaveReply, StylizeOptions, StylizeReply, ToPngReply,
} from '../messaging/protocol';
import { dispatch, type BackgroundToOffscreen, type Handlers, type MessageOf, type MessageType } from '../messaging/contract';
import { ENGINE_LOST, jobError, type JobError } from '../messaging/protocol';
import { credentialsFor, sourceKey } from '../inference/fetch-policy';
import { fetchImage, JobFailure } from '../inference/decode';
import { loadLiteRtRuntime } from '../inference/litert';
import { ModelSet } from '../inference/models';
import {
  keepMask, load, loadFetched, paint, paintLayers, prepare, PreparedCache, Stopwatch, type Layers, type Loaded,
} from '../inference/pipeline';
import { renderAtOriginalSize } from '../inference/save';
import { refinedKeep } from '../inference/composite';
import { gpuRefiner } from '../inference/refine-path';
import type { Runtime } from '../inference/runtime';
import { StyleService } from './styles';
import { ReadAhead } from './read-ahead';
import { cancelJob, claimJob, deliver, isCancelled } from './delivery';
import { blobToDataUrl } from '../messaging/bytes';
import { canvasToPng } from '../inference/png';
import { probe } from '../test-hooks/probe';
import { SavedFiles, SaveRecords } from './saves';

export interface HostConfig {
  wasmDir: string;
  modelDir: string;
  extensionUrl: (path: string) => string;
  log: (line: string) => void;
}

type Msg<T extends MessageType<'backgroundToOffscreen'>> = MessageOf<'backgroundToOffscreen', T>;

export class InferenceHost {
  /** The runtime (LiteRT.js), once loaded in this document. */
  private runtime?: Runtime;
  private models?: ModelSet;
  private prepared = new PreparedCache(8);
  /** What the last jobs delivered are made of, for saving them at the original's size. */
  private saves = new SaveRecords();
  /** Saved files waiting for their download. */
  private savedFiles = new SavedFiles();
  /** The image right-clicked last, read while the menu is open. */
  private readAhead = new ReadAhead();
  /** Stylize jobs waiting in the queue: a warm-up under way leaves its remaining steps to them. */
  private jobsQueued = 0;
  /** Work in the queue, running or waiting. */
  private queued = 0;
  readonly styles: StyleService;
  /** Jobs run one after another: the runtime's pool is sized for one model run at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  readonly log: string[] = [];

  constructor(private config: HostConfig) {
    this.styles = new StyleService(config.extensionUrl);
  }

  /** Loads the runtime once per page (and again only after a failure). */
  async getRuntime(): Promise<Runtime> {
    this.runtime = await loadLiteRtRuntime({ wasmDir: this.config.wasmDir, log: this.config.log });
    return this.runtime;
  }

  /**
   * The models for a thread setting. Changing it disposes the old models first, so live models never
   * hold more pool workers than the thread plan allows.
   */
  async getModels(threads: number): Promise<ModelSet> {
    const runtime = await this.getRuntime();
    // Rebuild only when the models would really differ ("auto" and an explicit 2 are the same plan on
    // two cores): a rebuilt model set is slow for a while, as the old models' pool threads wind down.
    const plan = ModelSet.planFor(runtime, threads);
    if (!this.models || JSON.stringify(plan) !== JSON.stringify(this.models.plan)) {
      await this.models?.dispose();
      this.models = new ModelSet(runtime, this.config.modelDir, threads);
    }
    return this.models;
  }

  /** Runs jobs strictly one at a time; a failed job never blocks the next. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    const run = this.queue.then(work, work);
    const done = () => { this.queued--; };
    run.then(done, done);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The work the service worker gives this document, one handler per message of the contract. */
  readonly handlers = {
    stylize: (msg) => this.stylize(msg),
    'add-style': (msg) => this.addStyle(msg),
    'to-png': (msg) => this.toPng(msg),
    save: (msg) => this.save(msg),
    'save-release': (msg) => {
      this.savedFiles.release(msg.url);
      return { ok: true as const };
    },
    warm: (msg) => this.warm(msg.options),
    'read-ahead': (msg) => this.startReadAhead(msg.url, msg.mask, msg.page),
    cancel: (msg) => this.cancel(msg.jobId),
  } satisfies Handlers<'backgroundToOffscreen'>;

  handle(msg: BackgroundToOffscreen): Promise<unknown> {
    return dispatch(this.handlers, msg, undefined);
  }

  stylize(msg: Msg<'stylize'>): Promise<StylizeReply> {
    if (msg.deliverTo) claimJob(msg.jobId);
    this.jobsQueued++;
    // Kept and matched by URL and by the credentials it is read with (fetch-policy.ts): bytes read
    // with cookies never serve a job whose page would have read the image without them.
    const key = sourceKey(msg.source);
    const url = msg.source.kind === 'url' ? msg.source.url : msg.source.dataUrl;
    const variant = msg.source.kind === 'url' ? credentialsFor(url, msg.source.page) : '';
    // A job that waits behind other work (a batch's next image) reads its image meanwhile: the fetch
    // and the decode run off this thread, beside the model runs before it. At most EARLY_READS
    // waiting jobs do, so a long queue does not hold every image decoded.
    const early = this.queued > 0 && this.jobsQueued <= EARLY_READS && !this.prepared.has(key) && !this.readAhead.matches(url, variant)
      ? load(msg.source) : undefined;
    early?.catch(() => {}); // awaited below, which reports a failure
    return this.serial(() => outcome(async () => {
      this.jobsQueued--;
      const dropEarly = () => void early?.then((x) => x.bitmap.close(), () => {});
      const stopIfCancelled = () => {
        if (isCancelled(msg.jobId)) throw new JobFailure('no-target', 'errCancelled');
      };
      try {
        stopIfCancelled();
      } catch (e) {
        dropEarly();
        throw e;
      }
      const sw = new Stopwatch();
      let p = this.prepared.get(key);
      // The image is read (fetch, decode, the models' inputs) while the runtime starts, unless a
      // right-click read it ahead already, or it was read while the job waited: cold, that is most
      // of the reading off the critical path.
      const ahead = p ? undefined : this.readAhead.take(url, variant) ?? early;
      if (p || ahead !== early) dropEarly();
      const reading = p || ahead ? undefined : load(msg.source, sw);
      reading?.catch(() => {}); // awaited below, which reports a failure
      let models: ModelSet;
      try {
        const cold = !this.models;
        models = await this.getModels(msg.options.threads);
        if (cold) sw.lap('runtime'); // what was left of its start once the image was read
      } catch (e) {
        for (const l of [reading, ahead]) l?.then((x) => x.bitmap.close(), () => {});
        throw e;
      }
      // Cold, the models and the style's bottleneck start loading now, while the image is still being read.
      models.preload(msg.options.transferModel);
      const bottlenecks = new Map<string, Promise<Float32Array>>();
      const bottleneck = (id: string) => {
        let b = bottlenecks.get(id);
        if (!b) {
          b = this.styles.bottleneck(models, id);
          b.catch(() => {}); // awaited by paint, which reports a failure
          bottlenecks.set(id, b);
        }
        return b;
      };
      for (const id of [msg.options.styleId, msg.options.mixStyleId]) if (id) void bottleneck(id);
      if (!p) {
        let loaded: Loaded | undefined;
        if (ahead) {
          loaded = await ahead.catch((e) => {
            // A download that ran out of time is not tried again: the person would wait as long once more.
            if (e instanceof JobFailure && e.code === 'timeout') throw e;
            return undefined;
          });
          sw.lap('read-ahead'); // what was left of it (0 when it was done before the click, or the job's turn)
        }
        p = await prepare(loaded ?? await (reading ?? load(msg.source, sw)), models, sw);
        this.prepared.set(key, p);
      }
      stopIfCancelled();
      const { file, fetched, layers, ...result } = await paint(p, msg.options, { models, bottleneck }, sw);
      let dataUrl: string | undefined;
      if (msg.deliverTo) {
        const sent = await deliver(msg.jobId, msg.deliverTo, file, fetched);
        // No port reached this document: the page left, or its port went to a document that was
        // closing as this one started. The background runs such a job again with a fresh port
        // (where the page is gone, that attempt ends quietly at job-begin).
        if (sent === 'no-port') throw new JobFailure(ENGINE_LOST.code, ENGINE_LOST.key);
        if (sent !== 'sent') throw new JobFailure('no-target', 'errPageClosed');
        // Kept for "Save stylized image": a page-local original's bytes are not (the page hands them over again).
        this.saves.set(msg.jobId, { to: msg.deliverTo, source: msg.source.kind === 'url' ? msg.source : undefined, layers });
      } else {
        dataUrl = await blobToDataUrl(file);
      }
      sw.lap('deliver');
      if (import.meta.env.MODE === 'test') probe.lastTimings = result.timings;
      return { result: { ...result, dataUrl } };
    }));
  }

  /**
   * Reads a right-clicked image ahead of its job, at once (no model runs in it). Then, with the
   * engine up, it is segmented too, in the queue like a job (after a warm-up under way), and its
   * keep-mask made for `mask`: the job then starts at its transfer. A job already waiting goes
   * first, and a job that takes the image before its turn segments it itself. An image already
   * prepared needs nothing.
   */
  async startReadAhead(url: string, mask?: MaskOptions, page?: PageContext): Promise<{ ok: true }> {
    const source = { kind: 'url' as const, url, page };
    const variant = credentialsFor(url, page);
    if (this.prepared.get(sourceKey(source))) return { ok: true };
    const reading = this.readAhead.start(url, () => load(source), variant);
    reading.then((loaded) => this.serial(async () => {
      if (!this.models || this.jobsQueued > 0 || loaded.logits || !this.readAhead.holds(url, loaded, variant)) return;
      const logits = await this.models.segment(loaded.segmentationInput, loaded.segmentationSize);
      loaded.keep = mask && keepMask(logits, loaded.segmentationSize, mask);
      // The edge refined with the photo too: the job then starts at its transfer.
      if (loaded.keep) loaded.keep.edge = refinedKeep(loaded.bitmap, loaded.keep.alpha, loaded.keep.region);
      loaded.logits = logits;
    })).catch(() => {}); // a failed reading is the job's to report; a failed segmentation, the job retries
    return { ok: true };
  }

  /** A job still queued is skipped; one under way paints but does not wait for a page that will not come. */
  async cancel(jobId: string): Promise<{ ok: true }> {
    cancelJob(jobId);
    return { ok: true };
  }

  addStyle(msg: Msg<'add-style'>): Promise<AddStyleReply> {
    return this.serial(() => outcome(async () => {
      const models = this.models ?? await this.getModels(0);
      return this.styles.add(models, msg.source, msg.name, msg.origin);
    }));
  }

  /** A lossless PNG of a result as shown (saved so when it cannot be rendered again), held for its download as a saved file is. */
  toPng(msg: Msg<'to-png'>): Promise<ToPngReply> {
    return outcome(async () => {
      // (Not an <img>: its decode() never settles in a hidden offscreen document.)
      const bitmap = await createImageBitmap(await (await fetch(msg.dataUrl)).blob());
      const { width, height } = bitmap;
      const c = new OffscreenCanvas(width, height);
      c.getContext('2d')!.drawImage(bitmap, 0, 0);
      bitmap.close();
      return { url: this.savedFiles.hold(await canvasToPng(c)), width, height };
    });
  }

  /**
   * "Save stylized image": job `jobId`'s result again at the original's own size
   * (src/inference/save.ts), as a PNG held under a blob: URL for the service worker to download. The
   * original is read again as the job read it (its URL, with the same page context and so the same
   * credentials; or the bytes the page hands over again); the layers are the job's own, or, when
   * this document has let them go, painted again from the recipe (the models give the same painting
   * for the same input). In the queue: a save holds two full-size pictures, never beside a job's.
   */
  save(msg: Msg<'save'>): Promise<SaveReply> {
    return this.serial(async (): Promise<SaveReply> => {
      const record = this.saves.get(msg.jobId, msg.from);
      if (!record && !msg.recipe) {
        return { ok: false, missing: true, error: jobError('internal', 'errPaintingGone') };
      }
      return outcome(async () => {
        const sw = new Stopwatch();
        const source: ImageSource | undefined = (record ? record.source : msg.recipe?.source)
          ?? (msg.originalData ? { kind: 'data', dataUrl: msg.originalData } : undefined);
        if (!source) throw new JobFailure('blocked', 'errPageNoLongerReads');
        const { blob, facts } = await fetchImage(source);
        sw.lap('fetch');
        const layers = record?.layers ?? await this.repaint(msg.jobId, msg.from, source, msg.recipe!, blob, facts, sw);
        const saved = await renderAtOriginalSize(blob, layers, sw);
        if (import.meta.env.MODE === 'test') probe.lastSave = { timings: sw.timings, repainted: !record };
        const { file, ...size } = saved;
        return { url: this.savedFiles.hold(file), ...size };
      });
    });
  }

  /** A job's layers painted again from its recipe (this document let them go), and kept again. */
  private async repaint(
    jobId: string, from: Msg<'save'>['from'], source: ImageSource, recipe: NonNullable<Msg<'save'>['recipe']>,
    blob: Blob, facts: Awaited<ReturnType<typeof fetchImage>>['facts'], sw: Stopwatch,
  ): Promise<Layers> {
    const models = await this.getModels(recipe.options.threads);
    const key = sourceKey(source);
    let p = this.prepared.get(key);
    if (!p) {
      p = await prepare(await loadFetched(blob, facts, sw), models, sw);
      this.prepared.set(key, p);
    }
    const layers = await paintLayers(p, recipe.options, { models, bottleneck: (id) => this.styles.bottleneck(models, id) }, sw);
    this.saves.set(jobId, { to: from, source: recipe.source, layers });
    return layers;
  }

  /**
   * Loads the runtime and compiles the models (one untimed run each), the style's bottleneck, and
   * chooses the keep-mask refinement's path (src/inference/refine-path.ts).
   * When a job is chosen meanwhile, the warm-up stops at its next step and the job does the rest:
   * its own first runs set the models up as the trial runs would, so it never waits behind them.
   */
  warm(options: StylizeOptions): Promise<{ ok: boolean }> {
    if (import.meta.env.MODE === 'test') probe.warms++;
    return this.serial(() => outcome(async () => {
      // A job's message that came during a step (a model's load or trial run blocks this thread) is
      // handled first: the steps follow one another in microtasks, which no message comes between.
      const jobWaiting = async () => {
        await nextTask();
        return this.jobsQueued > 0;
      };
      const models = await this.getModels(options.threads);
      await models.warmUp(options.transferModel, jobWaiting);
      if (!(await jobWaiting())) await this.styles.bottleneck(models, options.styleId);
      // The refinement's path chosen now rather than in the first job: on a GPU, a WebGL context and its shaders.
      if (!(await jobWaiting())) gpuRefiner();
      return {};
    }));
  }

}

/** Jobs waiting in the queue that read their image before their turn. */
const EARLY_READS = 2;

/** Resolves in a task of its own, after the tasks already queued (a MessageChannel's: hidden documents throttle timers). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

async function outcome<T extends object>(work: () => Promise<T>): Promise<({ ok: true } & T) | { ok: false; error: JobError }> {
  try {
    return { ok: true as const, ...(await work()) };
  } catch (e) {
    return { ok: false as const, error: toJobError(e) };
  }
}

/**
 * What the service worker is told of a failure: a JobFailure's key and substitutions (no text: this
 * document has no i18n; the context that shows it makes the text), or for anything else (a bug, the
 * runtime failing) the generic sentence with the error's own words in it.
 */
export function toJobError(e: unknown): JobError {
  if (e instanceof JobFailure) return e.error;
  const message = e instanceof Error ? e.message : String(e);
  return jobError('internal', 'errEngineFailed', message.slice(0, 460));
}
