/**
 * The test build's debug surface on the offscreen document's globalThis (`backdropDebug`), so the end-to-end
 * tests and the benchmark can run the real bundled code (under the extension's CSP) stage by stage and read the
 * counters of src/probe.ts. Installed only in mode `test` (entrypoints/offscreen/main.ts, src/probe.ts): the production
 * build holds none of this module (tests/unit/bundle.test.ts proves it).
 */
import type { KeepAwake } from './keep-awake';
import { ALL_OBJECTS, argmaxLabels, NUM_CLASSES, PERSON, subjectKeepAlpha, upsampleLogits } from '../inference/mask';
import { getGlobalLiteRt } from '@litertjs/core';
import {
  BOTTLENECK, CONTENT_SIZE, MODEL_FILES, ModelSet, OFFICIAL_SEG_SIZE, OFFICIAL_TRANSFER_SIZE, SEG_SIZE, segmentationGrid, segmentationSize, STYLE_SIZE, transferSize, type Detail, type SegmentationSize, type TransferKind, type TransferSize,
} from '../inference/models';
import type { LoadedModel } from '../inference/runtime';
import { centerSquare, floatToRgba, pixelsAt, rgbaToFloat } from '../inference/preprocess';
import { resizeSegmentationModel } from '../inference/deeplab-resize';
import { predictBottleneck } from '../inference/style';
import { toBase64 } from '../messaging/bytes';
import { decodeImage, fetchImage } from '../inference/decode';
import { contentInput, segmentationInput, type Prepared } from '../inference/pipeline';
import { refinedKeep } from '../inference/composite';
import type { KeepRegion } from '../inference/pick';
import { gpuRefiner, rechooseRefinePath } from '../inference/refine-path';
import { probe } from '../test-hooks/probe';
import { DEFAULT_STYLE_ID } from '../styles/builtins';
import type { InferenceHost } from './host';
import { openResultPorts } from './delivery';
import type { SaveRecord } from './saves';

/** What `globalThis.backdropDebug` offers in the test build (tests/support/globals.d.ts declares it). */
export type BackdropDebug = ReturnType<typeof debugApi>;

/**
 * What runs, and the probe's counters (loads nothing: before the first job, no runtime). It reads the host's
 * private state by bracket access, TypeScript's typed escape hatch, so that the class keeps nothing for tests.
 */
async function hostInfo(host: InferenceHost) {
  const models = host['models'];
  const runtime = host['runtime'];
  return {
    runtime: runtime?.name,
    accelerator: runtime?.accelerator,
    maxThreads: runtime?.maxThreads,
    /** The runtimes loaded in this document (one at most). */
    runtimesLoaded: runtime ? [runtime.name] : [],
    /** The LiteRT.js build this document loaded: the glue script LiteRT.js added to it (it fetches the .wasm beside it). */
    litertBuilds: [...document.scripts].map((s) => /\/(litert_wasm_[a-z_]+)\.js$/.exec(s.src)?.[1]).filter((b) => b !== undefined),
    plan: models?.plan,
    modelRuns: { ...probe.modelRuns },
    warmUpRuns: { ...probe.warmUpRuns },
    preparedCached: host['prepared'].size,
    readAhead: host['readAhead'].pending,
    readAheadMs: probe.readAheadMs,
    readAheadLast: probe.readAheadLast,
    warms: probe.warms,
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

async function bitmapOf(url: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return createImageBitmap(await res.blob());
}

const b64 = (bytes: Uint8Array | Uint8ClampedArray) => toBase64(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));

export function debugApi(host: InferenceHost, awake?: KeepAwake) {
  return {
    /** Firefox: how often the engine keeps the event page awake (undefined in Chrome, where it need not). */
    awakeEvery: (ms: number) => (awake ? (awake.every(ms), true) : false),
    modelRuns: () => ({ ...probe.modelRuns }),
    info: () => hostInfo(host),
    /** The size this build segments a width×height photo at (segmentationSize: SEG_LONG_SIDE can differ per build). */
    segmentationSizeFor: (width: number, height: number) => segmentationSize(width, height),
    log: () => host.log.slice(-200),
    lastTimings: () => ({ ...probe.lastTimings }),
    openResultPorts,
    deliveries: () => ({ ...probe.deliveries }),
    /** Saves at the original's size: the last one's timings, the jobs whose layers are held, the files not yet released. */
    saves: () => ({ last: probe.lastSave, records: host['saves'].size, files: host['savedFiles'].size }),
    /** The keep-mask layer of the save record used last (save first): its alpha at the layer's own size, base64. */
    saveKeep() {
      const records = host['saves']['map'] as Map<string, SaveRecord>;
      const last = [...records.values()].at(-1);
      if (!last) throw new Error('no save record: save a result first');
      const { keep } = last.layers;
      const d = keep.getContext('2d')!.getImageData(0, 0, keep.width, keep.height).data;
      const alpha = new Uint8Array(d.length >> 2);
      for (let i = 0; i < alpha.length; i++) alpha[i] = d[(i << 2) + 3];
      return { width: keep.width, height: keep.height, alpha: b64(alpha) };
    },
    /** The library as stored (bottlenecks included), for tests. */
    library: async () => (await import('../library/store')).listStyles(),
    /**
     * DeepLab's argmax labels for an image stretched to `size` (default the official 257²), row by
     * row at that size: the pipeline's model (deeplab-resize.ts, ending at the logits' grid), its
     * grid upsampled as the official graph's last operator does (upsampleLogits).
     */
    async segmentLabels(url: string, threads = 0, size: SegmentationSize = OFFICIAL_SEG_SIZE) {
      const models = await host.getModels(threads);
      const image = await bitmapOf(url);
      const grid = await models.segment(segmentationInput(image, size), size);
      return b64(argmaxLabels(upsampleLogits(grid, segmentationGrid(size))));
    },
    /** DeepLab's argmax labels for an image as a job segments it (at segmentationSize of the photo's size), with that size. */
    async pipelineLabels(url: string, threads = 0) {
      const models = await host.getModels(threads);
      const image = await bitmapOf(url);
      const size = segmentationSize(image.width, image.height);
      const grid = await models.segment(segmentationInput(image, size), size);
      return { labels: b64(argmaxLabels(upsampleLogits(grid, segmentationGrid(size)))), ...size };
    },
    /**
     * DeepLab alone at each of `sizes`, on `url`'s photo stretched to it: per round and size, one
     * untimed run (switching size recompiles) then `n` timed ones; the rounds alternate the order so
     * a size is not always first after a load. A size marked `uncut` runs the rewritten graph whole,
     * its last resize of the 21 logits to full size kept (at 257² the official file itself, byte for
     * byte): loaded here at the pipeline's thread count after the live models are freed (they hold
     * the pool's workers; the next job loads them again), and deleted after its runs. Returns every
     * size's times in ms.
     */
    timeSegmentationAt(sizes: (SegmentationSize & { uncut?: boolean })[], n: number, url: string, rounds = 2, threads = 0) {
      return host.serial(async () => {
        const models = await host.getModels(threads);
        const image = await bitmapOf(url);
        const inputs = sizes.map((s) => segmentationInput(image, s));
        const official = sizes.some((s) => s.uncut)
          ? new Uint8Array(await (await fetch(host['config'].modelDir + MODEL_FILES.segmentation)).arrayBuffer())
          : undefined;
        const times: Record<string, number[]> = {};
        for (let r = 0; r < rounds; r++) {
          const order = sizes.map((_, i) => i);
          if (r % 2) order.reverse();
          for (const i of order) {
            const size = sizes[i], key = `${size.width}x${size.height}${size.uncut ? ' uncut' : ''}`;
            let run = (input: Float32Array) => models.segment(input, size);
            let whole: LoadedModel | undefined;
            if (size.uncut) {
              await models.dispose();
              const rt = await host.getRuntime();
              whole = await rt.load(resizeSegmentationModel(official!, size.height, size.width), { threads: ModelSet.planFor(rt, threads).segmentation, name: 'segmentation-uncut' });
              run = async (input) => (await whole!.run([{ data: input, shape: [1, size.height, size.width, 3] }]))[0];
            }
            try {
              for (let k = 0; k <= n; k++) {
                const t0 = performance.now();
                await run(inputs[i]);
                if (k > 0) (times[key] ??= []).push(performance.now() - t0);
              }
            } finally {
              whole?.delete();
            }
          }
        }
        return times;
      });
    },
    /**
     * The pipeline's segmentation against the whole graph, on an image stretched to `size`: at 257²
     * the official file itself (its last operator upsamples the 33² grid to 257², align corners), at
     * another size the official file rewritten to it whole (deeplab-resize.ts without `grid`), against
     * the pipeline's graph, which stops before that resize, with its grid upsampled in JavaScript
     * (largest absolute difference); and in how many mask bytes, and by how much at most, the
     * pipeline's cell-by-cell mask from the grid differs from the pixel-by-pixel mask of the whole
     * graph's logits, for a few subject settings, with the time each takes. The whole graph is loaded at one thread (no pool worker:
     * the live models keep theirs) and deleted after.
     */
    async maskGridCheck(url: string, size: SegmentationSize = OFFICIAL_SEG_SIZE) {
      const models = await host.getModels(0);
      const image = await bitmapOf(url);
      const spec = segmentationGrid(size);
      const input = segmentationInput(image, size);
      const grid = await models.segment(input, size);
      const fileUrl = host['config'].modelDir + MODEL_FILES.segmentation;
      const official = size.width === SEG_SIZE && size.height === SEG_SIZE;
      const source = official ? fileUrl : resizeSegmentationModel(new Uint8Array(await (await fetch(fileUrl)).arrayBuffer()), size.height, size.width);
      const whole = await models['runtime'].load(source, { threads: 1, name: 'segmentation-whole' });
      let full: Float32Array;
      try {
        [full] = await whole.run([{ data: input, shape: [1, size.height, size.width, 3] }]);
      } finally {
        whole.delete();
      }
      const upsampled = upsampleLogits(grid, spec);
      let gridError = 0;
      for (let i = 0; i < full.length; i++) gridError = Math.max(gridError, Math.abs(full[i] - upsampled[i]));
      const differing: Record<string, number> = {};
      let maxDiff = 0;
      const ms: Record<string, number> = {};
      /** Best of 15 runs, ms (this machine is noisy). */
      const best = (f: () => unknown) => {
        let min = Infinity;
        for (let r = 0; r < 15; r++) {
          const t0 = performance.now();
          f();
          min = Math.min(min, performance.now() - t0);
        }
        return min;
      };
      for (const [name, opts] of [['objects', { subject: ALL_OBJECTS }], ['people', { subject: [PERSON] }], ['inverted', { subject: ALL_OBJECTS, invert: true }]] as const) {
        const flat = subjectKeepAlpha(full, opts);
        const cells = subjectKeepAlpha(grid, { ...opts, grid: spec });
        ms[`${name} pixel by pixel`] = best(() => subjectKeepAlpha(full, opts));
        ms[`${name} by cells`] = best(() => subjectKeepAlpha(grid, { ...opts, grid: spec }));
        let d = 0;
        for (let i = 3; i < flat.length; i += 4) {
          if (flat[i] !== cells[i]) d++;
          maxDiff = Math.max(maxDiff, Math.abs(flat[i] - cells[i]));
        }
        differing[name] = d;
      }
      return { gridError, gridPoints: grid.length / NUM_CLASSES, differing, maxDiff, pixels: size.width * size.height, ms };
    },
    /**
     * The official sample's path: centre crop, plain bilinear resize (canvas 'low' is bilinear without
     * mipmaps), predict + transfer, output truncated to bytes as Android's Bitmap conversion does.
     * Returns RGBA base64 at 384².
     */
    async stylizeOfficial(contentUrl: string, styleUrl: string, kind: 'int8' | 'fp16', threads = 0) {
      const models = await host.getModels(threads);
      const bottleneck = await predictBottleneck(models, await bitmapOf(styleUrl));
      const content = await bitmapOf(contentUrl);
      const crop = centerSquare(content.width, content.height);
      const input = rgbaToFloat(pixelsAt(content, CONTENT_SIZE, CONTENT_SIZE, crop, 'low'), 0, 255);
      const out = await models.transfer(kind, input, bottleneck);
      return b64(floatToRgba(out, CONTENT_SIZE * CONTENT_SIZE, 0));
    },
    /** Bottleneck of a style image, as plain numbers. */
    async bottleneck(styleUrl: string, threads = 0) {
      const models = await host.getModels(threads);
      return Array.from(await predictBottleneck(models, await bitmapOf(styleUrl)));
    },
    /**
     * For the benchmark: times `n` raw runs each of segmentation and transfer (after one untimed run
     * each), queued like a job so nothing overlaps. A run is what the pipeline's stage measures:
     * tensors in, model, outputs copied out. The inputs are fixed, or with `photo` that photo's own, as
     * the pipeline makes them, with that style's bottleneck (the transfer takes ~1–2 % longer on a real
     * photo than on a flat grey). With `pauseMs`, each segmentation + transfer pair starts after that
     * long idle, as a job chosen from a menu does (a CPU idle for half a second runs the next models
     * slower here). Returns the times in ms.
     */
    timeModels(n: number, threads = 0, kind: TransferKind = 'fp16', withPrediction = false,
      photo?: { imageUrl: string; styleId: string; detail?: Detail }, pauseMs = 0) {
      return host.serial(async () => {
        const models = await host.getModels(threads);
        let segSize = segmentationSize(1, 1);
        let seg: Float32Array = new Float32Array(segSize.height * segSize.width * 3);
        const style = new Float32Array(STYLE_SIZE * STYLE_SIZE * 3).fill(0.5);
        let content: Float32Array = new Float32Array(CONTENT_SIZE * CONTENT_SIZE * 3).fill(0.5);
        let bottleneck: Float32Array = new Float32Array(BOTTLENECK).fill(0.1);
        let size: TransferSize = OFFICIAL_TRANSFER_SIZE;
        if (photo) {
          const { bitmap } = await decodeImage((await fetchImage({ kind: 'url', url: photo.imageUrl })).blob);
          // The size a job segments this photo at (its aspect ratio), so the job's model stays compiled.
          segSize = segmentationSize(bitmap.width, bitmap.height);
          seg = segmentationInput(bitmap, segSize);
          // The size a Standard job paints this photo at (its aspect ratio), so the job's model stays compiled.
          size = transferSize(bitmap.width, bitmap.height, photo.detail);
          content = contentInput(bitmap, size);
          bitmap.close();
          bottleneck = await host.styles.bottleneck(models, photo.styleId);
        }
        const timed = async (run: () => Promise<unknown>) => {
          const t0 = performance.now();
          await run();
          return performance.now() - t0;
        };
        const times = { segmentation: [] as number[], transfer: [] as number[], prediction: [] as number[] };
        for (let i = 0; i <= n; i++) {
          // Idle first, as a job after a person's pause starts (pauseMs 0: back to back).
          if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
          const s = await timed(() => models.segment(seg, segSize));
          const t = await timed(() => models.transfer(kind, content, bottleneck, size));
          const p = withPrediction ? await timed(() => models.predict(style)) : NaN;
          if (i === 0) continue;
          times.segmentation.push(s);
          times.transfer.push(t);
          if (withPrediction) times.prediction.push(p);
        }
        const info = await hostInfo(host);
        return { ...times, runtime: info.runtime, plan: info.plan };
      });
    },
    /**
     * The transfer model at height×width (the official file rewritten, tflite-resize.ts): `n` timed
     * runs after one untimed, on `imageUrl` stretched to that size (or flat grey), with a style's
     * bottleneck. Returns the times in ms and the output's range (the graph ends in a sigmoid).
     */
    timeTransferAt(kind: TransferKind, height: number, width: number, n: number, imageUrl?: string, styleId = DEFAULT_STYLE_ID, threads = 0) {
      return host.serial(async () => {
        const models = await host.getModels(threads);
        const size = { height, width };
        let content: Float32Array = new Float32Array(height * width * 3).fill(0.5);
        if (imageUrl) {
          const { bitmap } = await decodeImage((await fetchImage({ kind: 'url', url: imageUrl })).blob);
          content = contentInput(bitmap, size);
          bitmap.close();
        }
        const bottleneck = await host.styles.bottleneck(models, styleId);
        const times: number[] = [];
        let min = Infinity, max = -Infinity;
        for (let i = 0; i <= n; i++) {
          const t0 = performance.now();
          const out = await models.transfer(kind, content, bottleneck, size);
          const ms = performance.now() - t0;
          if (out.length !== height * width * 3) throw new Error(`output of ${out.length} values at ${height}×${width}`);
          for (const v of out) { if (v < min) min = v; if (v > max) max = v; }
          if (i > 0) times.push(ms);
        }
        return { times, min, max };
      });
    },
    /**
     * For the benchmark, in a fresh offscreen document: a runtime's cold start, step by step, in ms. `start` loads
     * the runtime (its glue script, its wasm compiled and instantiated, the thread pool started); `compile` loads
     * and compiles each of the three models with the threads the plan gives them; `firstRun` and `secondRun` run
     * each once on zeros (the first pays the set-up, e.g. weight packing). The models are deleted after, so the
     * host's own models start from nothing. Refuses a document where the runtime has loaded already.
     */
    coldStart(threads = 0) {
      return host.serial(async () => {
        if (host['runtime']) throw new Error('not a fresh document: the runtime is loaded');
        const since = (t0: number) => performance.now() - t0;
        let t0 = performance.now();
        const rt = await host.getRuntime();
        const start = since(t0);
        const plan = ModelSet.planFor(rt, threads);
        const square = segmentationSize(1, 1);
        const specs: { name: string; file: string; threads: number; shapes: number[][]; rewrite?: boolean }[] = [
          // As the pipeline loads it before any photo: the official file rewritten to a square photo's size (its
          // fetch and rewrite counted in its compile time).
          { name: 'segmentation', file: MODEL_FILES.segmentation, threads: plan.segmentation, shapes: [[1, square.height, square.width, 3]], rewrite: true },
          { name: 'transfer', file: MODEL_FILES.transfer.fp16, threads: plan.transfer, shapes: [[1, CONTENT_SIZE, CONTENT_SIZE, 3], [1, 1, 1, BOTTLENECK]] },
          { name: 'prediction', file: MODEL_FILES.prediction, threads: plan.prediction, shapes: [[1, STYLE_SIZE, STYLE_SIZE, 3]] },
        ];
        const compile: Record<string, number> = {}, firstRun: Record<string, number> = {}, secondRun: Record<string, number> = {};
        const loaded: LoadedModel[] = [];
        try {
          for (const s of specs) {
            t0 = performance.now();
            const url = host['config'].modelDir + s.file;
            const source = s.rewrite
              ? resizeSegmentationModel(new Uint8Array(await (await fetch(url)).arrayBuffer()), square.height, square.width, { grid: true })
              : url;
            loaded.push(await rt.load(source, { threads: s.threads, name: s.name }));
            compile[s.name] = since(t0);
          }
          for (const [i, s] of specs.entries()) {
            const inputs = s.shapes.map((shape) => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape }));
            t0 = performance.now();
            await loaded[i].run(inputs);
            firstRun[s.name] = since(t0);
            t0 = performance.now();
            await loaded[i].run(inputs);
            secondRun[s.name] = since(t0);
          }
        } finally {
          for (const m of loaded) m.delete();
        }
        return { runtime: rt.name, accelerator: rt.accelerator, maxThreads: rt.maxThreads, plan, litertBuilds: (await hostInfo(host)).litertBuilds, start, compile, firstRun, secondRun };
      });
    },
    /** For the benchmark: the runtime's wasm memory and live models. Undefined before the runtime runs. */
    async runtimeMemory() {
      try {
        const lite = getGlobalLiteRt();
        const live = (lite as unknown as { objectsToDelete?: Set<unknown> }).objectsToDelete;
        return { wasmBytes: lite.liteRtWasm.HEAPU8.buffer.byteLength, liveModels: live?.size };
      } catch {
        return undefined;
      }
    },
    /** The keep-mask's refinement: which path runs, forcing one, and both paths on a prepared image (refine-gl.ts). */
    ...refineApi(host),
  };
}

/**
 * The refinement's paths on a real photo and its real keep-mask: those of an image the host prepared
 * (stylize it first), the most recent one whose cache key holds `url`.
 */
function refineApi(host: InferenceHost) {
  const prepared = (url: string) => {
    const map = host['prepared']['map'] as Map<string, Prepared>;
    const p = [...map.entries()].reverse().find(([key, p]) => key.includes(url) && p.keep)?.[1];
    if (!p?.keep) throw new Error(`no prepared image with a keep-mask for ${url}`);
    return { bitmap: p.bitmap, keep: p.keep };
  };
  const alphaOf = (c: OffscreenCanvas) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const a = new Uint8Array(d.length >> 2);
    for (let i = 0; i < a.length; i++) a[i] = d[(i << 2) + 3];
    return a;
  };
  return {
    refineInfo: () => ({ ...probe.refine }),
    /** Forces a path (undefined: probe as users get it); the next refinement probes again. */
    refineForce(path?: 'gpu' | 'cpu') {
      probe.refine.force = path;
      rechooseRefinePath();
    },
    /** Loses the GPU path's WebGL context, as a GPU reset would (false if this document refines on the CPU). */
    refineLoseContext() {
      const gl = gpuRefiner();
      gl?.loseContext();
      return Boolean(gl);
    },
    /** Both paths at the same working size on a prepared image (cut to `region` if given): how far their keep-alphas are apart. */
    refineCompare(url: string, side: number, region?: KeepRegion) {
      const { bitmap, keep } = prepared(url);
      const cpu = refinedKeep(bitmap, keep.alpha, region, undefined, { path: 'cpu', side });
      const gpu = refinedKeep(bitmap, keep.alpha, region, undefined, { path: 'gpu', side });
      const a = alphaOf(cpu), b = alphaOf(gpu);
      let maxDiff = 0, differing = 0, edge = 0, kept = 0;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i] - b[i]);
        if (d > maxDiff) maxDiff = d;
        if (d) differing++;
        if (a[i] !== 0 && a[i] !== 255) edge++;
        if (a[i] === 255) kept++;
      }
      return { width: cpu.width, height: cpu.height, gpuSize: [gpu.width, gpu.height], maxDiff, differing, edge, kept, pixels: a.length };
    },
    /** Milliseconds of each of n refinements (what the `refine` lap holds) on a prepared image; no path: the chosen one. */
    refineTime(url: string, path: 'gpu' | 'cpu' | undefined, side: number, n: number) {
      const { bitmap, keep } = prepared(url);
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const c = refinedKeep(bitmap, keep.alpha, undefined, undefined, { path, side });
        // The result read, so that the GPU's queued work is in the time.
        c.getContext('2d')!.getImageData(0, 0, 1, 1);
        ms.push(performance.now() - t0);
      }
      return ms;
    },
  };
}
