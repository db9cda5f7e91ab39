/** The readable side of a benchmark record: the targets of issue 5 and Markdown tables. */
import type { BenchRecord, BrowserColumn, MemoryPoint, PackageChoice, PackageResult, RuntimeColdResult, RuntimeColdStart, RuntimeRecord, RuntimeThreads, Sample } from './record';
import { shippedLitertBuilds } from '../../src/inference/litert-builds';
import type { PageTask } from './page-tasks';
import { median } from './stats';
import { NO_JIT_FLAGS } from './config';

/** Pipeline stages in the order they run; stages the record has beyond these are shown after them. */
export const STAGE_ORDER = ['read-ahead', 'fetch', 'decode', 'preprocess', 'segmentation', 'mask', 'refine', 'style', 'transfer', 'composite', 'encode', 'deliver'];

/** The stages these timings have, in pipeline order. */
export function stagesIn(timings: Record<string, number>[]): string[] {
  const seen = new Set(timings.flatMap((t) => Object.keys(t)));
  return [...STAGE_ORDER.filter((s) => seen.has(s)), ...[...seen].filter((s) => !STAGE_ORDER.includes(s))];
}

export const stagesOf = (r: BenchRecord) => stagesIn(r.sizes.map((s) => s.median.stages));

export interface Target {
  target: string;
  measured: string;
  /** undefined: not measurable in this run. */
  met: boolean | undefined;
}

const ms = (x: number) => `${Math.round(x)} ms`;
const pct = (x?: number) => (x === undefined ? '?' : `${(x * 100).toFixed(1)} %`);
const mib = (x?: number) => (x === undefined ? '?' : `${(x / 2 ** 20).toFixed(1)} MiB`);

export function targets(r: BenchRecord): Target[] {
  const ref = r.sizes.find((s) => s.label === r.cold.image);
  const m = r.memory;
  const liveSame = m.before.liveModels === m.after.liveModels;
  const composite = r.sizes.map((s) => `${s.label} ${ms(s.median.stages.composite ?? NaN)}`).join(', ');
  return [
    {
      target: `warm end-to-end ${r.cold.image} ≤ 1.3× its model runs`,
      measured: `right-click, then the menu item ${ms(r.menuPath.menuMs)} later (the path users take; the image read ahead in ` +
        `${ms(median(r.menuPath.readAheadMs))}, and segmented before the click in ${segmentedAhead(r.menuPath)}): ` +
        `${r.menuPathRatio.toFixed(2)}× (${ms(r.menuPath.rightClickMedian.e2e)} vs segmentation + transfer ` +
        `${ms(r.menuPath.models.sumMedian)}, timed alone between its runs after the same idle; ${afterClickRatio(r.menuPath)} the transfer ` +
        `alone, the one model run the click waits for). The menu item alone, nothing read ahead: ` +
        `${(r.menuPath.aloneMedian.e2e / r.menuPath.models.sumMedian).toFixed(2)}× after the same pause (${ms(r.menuPath.aloneMedian.e2e)}), ` +
        `${r.overheadRatio.toFixed(2)}× straight after the previous run (${ms(ref?.median.e2e ?? NaN)} vs ${ms(r.models.sumMedian)})`,
      met: r.menuPathRatio <= 1.3,
    },
    {
      target: 'cold first stylization ≤ warm + 1 s',
      measured: `cold ${ms(r.cold.coldMedian)}, warm ${ms(r.cold.warmMedian)}: +${ms(r.cold.coldMedian - r.cold.warmMedian)}. ` +
        `With a right-click ${ms(r.menuPath.menuMs)} before the menu item (the path users take), the first stylization took ` +
        `${ms(r.cold.afterRightClickMedian)}: +${ms(r.cold.afterRightClickMedian - r.cold.warmMedian)}`,
      met: r.cold.coldMedian - r.cold.warmMedian <= 1000,
    },
    {
      target: `${r.gallery.count}-image batch ≤ 1.1× its warm singles`,
      measured: `${r.gallery.ratio.toFixed(2)}× (${ms(r.gallery.batchWall)} vs ${ms(r.gallery.sumSingles)}; ${r.gallery.batchMode})`,
      met: r.gallery.ratio <= 1.1,
    },
    {
      target: `memory growth over ${m.runs} stylizations ≤ 5 %, no leaked model instances`,
      measured: `JS heap ${pct(m.jsHeapGrowth)}, array buffers ${pct(m.arrayBufferGrowth)}, wasm ${pct(m.wasmGrowth)}; live models ${m.before.liveModels ?? '?'} → ${m.after.liveModels ?? '?'}` +
        (r.memoryNoJit ? `. Without V8's optimizing tiers (data, not compiled code): JS heap ${pct(r.memoryNoJit.jsHeapGrowth)}, array buffers ${pct(r.memoryNoJit.arrayBufferGrowth)}` : ''),
      met: m.jsHeapGrowth <= 0.05 && m.arrayBufferGrowth <= 0.05 && (m.wasmGrowth ?? 0) <= 0.05 && liveSame,
    },
    {
      target: 'compositing on the GPU when one is present, CPU path without SwiftShader',
      measured: `no GPU here (Chromium runs with --disable-gpu): composite stage ${composite}`,
      met: undefined,
    },
    {
      target: 'no long task over 50 ms added to the page',
      measured: `page main-thread tasks over 50 ms while stylizing (traced): ${pageTasks(r)}`,
      met: r.maxPageLongTask === undefined,
    },
    {
      target: 'packed size reported; only the wasm build Chrome loads',
      measured: `${mib(r.package.zipBytes)} zipped; wasm: ${r.package.wasm.map((w) => `${w.file.replace(/^.*\//, '')} ${mib(w.bytes)}`).join(', ')}`,
      met: onlyLoadableWasm(r.package),
    },
  ];
}

/** The package's wasm files are exactly the LiteRT.js build Chrome loads (src/inference/litert-builds.ts). */
const onlyLoadableWasm = (p: PackageResult) =>
  JSON.stringify(p.wasm.map((w) => w.file).sort()) === JSON.stringify(shippedLitertBuilds('chrome').map((b) => `litert/${b}.wasm`).sort());

/** A long task's CPU time, when traced: near its wall time, the work itself was long. */
const cpu = (t: PageTask) => (t.cpuMs === undefined ? '' : ` (${ms(t.cpuMs)} of CPU)`);

/** The traced long tasks of the pages, per size and for the gallery, with what filled them. */
function pageTasks(r: BenchRecord): string {
  const where = [...r.sizes.map((s) => [s.label, s.pageLongTasks] as const), ['gallery', r.gallery.pageLongTasks] as const].filter(([, t]) => t.length);
  if (!where.length) return 'none';
  return where.map(([label, tasks]) => `${label}: ${tasks.map((t) => `${ms(t.ms)} ${t.what}${cpu(t)}`).join(', ')}`).join('; ');
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
function table(head: string[], rows: (string | number)[][]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}
const memoryRow = (label: string, p: MemoryPoint) => [label, mib(p.jsHeapUsed), mib(p.jsHeapTotal), mib(p.arrayBuffers), mib(p.wasmBytes), p.liveModels ?? '?'];
/** The largest of an optional measure; undefined when no point has it. */
const maxOf = (xs: (number | undefined)[]) => (xs.some((x) => x !== undefined) ? Math.max(...xs.map((x) => x ?? 0)) : undefined);
const maxPoint = (ps: MemoryPoint[]): MemoryPoint => ({
  run: ps.at(-1)?.run ?? 0,
  jsHeapUsed: Math.max(...ps.map((p) => p.jsHeapUsed)),
  jsHeapTotal: Math.max(...ps.map((p) => p.jsHeapTotal)),
  arrayBuffers: Math.max(...ps.map((p) => p.arrayBuffers)),
  wasmBytes: maxOf(ps.map((p) => p.wasmBytes)),
  liveModels: maxOf(ps.map((p) => p.liveModels)),
});
const n = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : '–');
const mark = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : '**not met**');

export function markdown(r: BenchRecord): string {
  const s = r.stamp;
  const stages = stagesOf(r);
  const sizeRows = r.sizes.map((z) => [
    z.label, `${(z.jpegBytes / 1024).toFixed(0)} KiB`, ...stages.map((k) => n(z.median.stages[k] ?? 0)), n(z.median.messageSwap), `**${n(z.median.e2e)}**`,
    z.pageLongTasks.length ? z.pageLongTasks.map((t) => `${n(t.ms)} (${t.what}${t.cpuMs === undefined ? '' : `, ${n(t.cpuMs)} CPU`})`).join(', ') : '–',
  ]);
  const c = r.cold;
  const ref = r.sizes.find((z) => z.label === c.image);
  const stagesText = (x: Sample) => Object.entries(x.stages).map(([k, v]) => `${k} ${n(v)}`).join(', ');
  return [
    `# Backdrop benchmark (${s.mode})`,
    '',
    `${s.date} · commit ${s.commit.slice(0, 10)} · ${s.browser} · ${s.cpuModel} · ${s.cores} cores (hardwareConcurrency ${s.hardwareConcurrency}) · ` +
      `runtime ${s.runtime}, accelerator ${s.accelerator}, up to ${s.maxThreads} threads, plan ${JSON.stringify(s.threadPlan)} · ` +
      `crossOriginIsolated ${s.crossOriginIsolated} · ${s.refinePath ? `keep-mask refined on ${s.refinePath} · ` : ''}` +
      `load average ${s.loadAverage.start.toFixed(2)} → ${s.loadAverage.end.toFixed(2)}`,
    '',
    'Times are medians in ms. Other processes on the machine make absolute times noisy: compare ratios within one run.',
    '',
    '## Targets (issue 5)',
    '',
    table(['target', 'measured', ''], targets(r).map((t) => [t.target, t.measured, mark(t.met)])),
    '',
    `## Warm stylization per image size (${r.sizes[0]?.samples.length ?? 0} runs each)`,
    '',
    '`style` is the cached style bottleneck (prediction runs only on a cold style); message/swap = end-to-end minus the stages.',
    '',
    table(['image', 'JPEG', ...stages, 'message/swap', 'end-to-end', 'page long task'], sizeRows),
    '',
    `## Model runs alone (on the ${r.cold.image} photo's own inputs and style, timed between its runs)`,
    '',
    table(['', 'segmentation', 'transfer', 'sum', `${r.cold.image} end-to-end ÷ sum`], [
      ['models alone', n(median(r.models.segmentation)), n(median(r.models.transfer)), n(r.models.sumMedian), r.overheadRatio.toFixed(2)],
      ...(ref ? [['same models as pipeline stages', n(ref.median.stages.segmentation), n(ref.median.stages.transfer),
        n(ref.median.stages.segmentation + ref.median.stages.transfer), (ref.median.e2e / (ref.median.stages.segmentation + ref.median.stages.transfer)).toFixed(2)]] : []),
    ]),
    '',
    ...menuPathSection(r),
    ...segmentationSizesSection(r),
    ...detailSection(r),
    `## Cold start (${c.image}, ${c.cold.length} fresh browser${c.cold.length > 1 ? 's' : ''})`,
    '',
    table(['', 'end-to-end', 'message/swap (incl. the offscreen document\'s start)'], [
      ['cold', n(c.coldMedian), n(median(c.cold.map((x) => x.messageSwap)))],
      [`cold, chosen ${n(r.menuPath.menuMs)} ms after a right-click (${c.afterRightClick.length} other fresh browser${c.afterRightClick.length > 1 ? 's' : ''})`,
        n(c.afterRightClickMedian), n(median(c.afterRightClick.map((x) => x.messageSwap)))],
      ['warm (same browser)', n(c.warmMedian), n(median(c.warm.map((x) => x.messageSwap)))],
    ]),
    '',
    `First cold run's stages, in the order they ended: ${stagesText(c.cold[0])}. \`runtime\` is what was left of the runtime's start once the image was read.`,
    ...(c.afterRightClick.length ? ['', `After a right-click: ${stagesText(c.afterRightClick[0])}.`] : []),
    '',
    `## Gallery (${r.gallery.count} images of ${r.gallery.width}×${r.gallery.height})`,
    '',
    table(['batch', 'batch wall', 'sum of warm singles', 'ratio'], [
      ...(r.gallery.rounds.length > 1 ? r.gallery.rounds.map((x, i) => [`round ${i + 1}`, n(x.batchWall), n(x.sumSingles), (x.batchWall / x.sumSingles).toFixed(3)]) : []),
      [`${r.gallery.batchMode}${r.gallery.rounds.length > 1 ? ', mean of the rounds' : ''}`, n(r.gallery.batchWall), n(r.gallery.sumSingles), r.gallery.ratio.toFixed(3)],
    ]),
    '',
    ...(r.threads.length ? [
      '## Threads',
      '',
      table(['threads', 'plan', `end-to-end ${c.image}`, 'segmentation (model)', 'transfer (model)'],
        r.threads.map((t) => [t.threads, JSON.stringify(t.plan), n(t.e2eMedian), n(median(t.models.segmentation)), n(median(t.models.transfer))])),
      '',
    ] : []),
    ...runtimeSection(r),
    ...browsersSection(r),
    `## Memory (offscreen document, ${r.memory.runs} stylizations of ${r.memory.image} after ${r.memory.warmupRuns} warm-up runs)`,
    '',
    table(['', 'JS heap used', 'JS heap total', 'array buffers', 'wasm memory', 'live models'], [
      memoryRow('before (after GC)', r.memory.before),
      memoryRow('during (max, no GC)', maxPoint(r.memory.during)),
      memoryRow('after (after GC)', r.memory.after),
      ['growth', pct(r.memory.jsHeapGrowth), '', pct(r.memory.arrayBufferGrowth), pct(r.memory.wasmGrowth), ''],
    ]),
    '',
    `Model runs counted during the phase: segmentation ${r.memory.modelRunsCounted.segmentation}, transfer ${r.memory.modelRunsCounted.transfer}.`,
    '',
    ...(r.memoryNoJit ? [
      `The same phase in a fresh browser whose V8 runs no optimizing tier (\`${NO_JIT_FLAGS}\`; wasm compiles as usual): what grows there ` +
        'is data, not the code V8 compiles as the runs go on.',
      '',
      table(['', 'JS heap used', 'JS heap total', 'array buffers', 'wasm memory', 'live models'], [
        memoryRow('before (after GC)', r.memoryNoJit.before),
        memoryRow('after (after GC)', r.memoryNoJit.after),
        ['growth', pct(r.memoryNoJit.jsHeapGrowth), '', pct(r.memoryNoJit.arrayBufferGrowth), pct(r.memoryNoJit.wasmGrowth), ''],
      ]),
      '',
    ] : []),
    '## Package',
    '',
    table(['zipped', 'unpacked', 'wasm files'], [[mib(r.package.zipBytes), mib(r.package.unpackedBytes), r.package.wasm.map((w) => `${w.file} (${mib(w.bytes)})`).join('<br>')]]),
    '',
    '![stages per image size](chart.svg)',
    '',
  ].join('\n');
}

const segmentedAhead = (m: BenchRecord['menuPath']) => `${m.segmentedAhead ?? '?'} of ${m.rightClick.length} runs`;
/** The path users take ÷ the transfer alone: the time around the one model run left after the click. */
const afterClickRatio = (m: BenchRecord['menuPath']) => `${(m.rightClickMedian.e2e / median(m.models.transfer)).toFixed(2)}×`;

/** The path users take (right-click, then the menu item) beside the same pause without the right-click. */
/** High and Full Detail per size: the transfer model's size and time (× Standard's), and the warm end to end. */
function segmentationSizesSection(r: BenchRecord): string[] {
  const s = r.segmentationSizes;
  const official = s?.rows.find((x) => x.uncut && x.width === 257 && x.height === 257);
  if (!s || !official) return [];
  const isPipeline = (x: { width: number; height: number; uncut: boolean }) => !x.uncut && x.width === s.pipeline.width && x.height === s.pipeline.height;
  return [
    `## Segmentation at each size (DeepLab alone on the ${s.image} photo stretched to each size; ${s.rounds} rounds, the sizes alternating)`,
    '',
    'The official file at 257² as shipped, and the rewritten graph (src/inference/deeplab-resize.ts), cut before its last resize, ' +
      `at 257² and at the photo's aspect ratio; the pipeline segments this photo at ${s.pipeline.width}×${s.pipeline.height}.`,
    '',
    table(['size', 'graph', 'median ms', '× official 257²'], s.rows.map((x) => [
      `${x.width}×${x.height}`, x.uncut ? 'whole (official at 257²)' : isPipeline(x) ? '**cut: the pipeline\'s**' : 'cut', n(x.median), (x.median / official.median).toFixed(2),
    ])),
    '',
  ];
}

function detailSection(r: BenchRecord): string[] {
  if (!r.detail?.length || !r.detailBaselineMs) return [];
  const base = r.detailBaselineMs;
  return [
    `## Detail (fp16 transfer; Standard at ${r.cold.image}: ${n(base)} ms)`,
    '',
    table(['Detail', 'image', 'transfer size', 'model', '× Standard', 'transfer stage', 'end-to-end'], r.detail.map((x) => [
      x.detail, x.label, `${x.transfer.width}×${x.transfer.height}`, n(x.modelMedian), (x.modelMedian / base).toFixed(1),
      x.transferStageMedian === undefined ? '–' : n(x.transferStageMedian), x.e2eMedian === undefined ? '–' : n(x.e2eMedian),
    ])),
    '',
  ];
}

function menuPathSection(r: BenchRecord): string[] {
  const m = r.menuPath;
  const stages = stagesIn([m.aloneMedian.stages, m.rightClickMedian.stages]);
  const rowOf = (label: string, x: typeof m.aloneMedian) => [label, ...stages.map((k) => n(x.stages[k] ?? NaN)), n(x.messageSwap), `**${n(x.e2e)}**`,
    (x.e2e / m.models.sumMedian).toFixed(2)];
  return [
    `## The path users take (${m.image}: right-click, then "Stylize background" ${m.menuMs} ms later; ${m.rightClick.length} runs each, alternating)`,
    '',
    'While the menu is open the extension reads the right-clicked image ahead (fetch, decode, the models\' inputs) and segments it, ' +
      `so the click starts at the transfer. The reading took ${n(median(m.readAheadMs))} ms (longest ${n(Math.max(...m.readAheadMs))}) in the offscreen document, ` +
      `and the image was segmented before the click in ${segmentedAhead(m)}; ` +
      '`read-ahead` below is what was left of it when the item was chosen. Without the right-click, the same pause, nothing read ahead. ' +
      `The models alone, timed between the pairs on the same photo, each pair after the same ${m.menuMs} ms idle as a click from ` +
      `the menu: segmentation ${n(median(m.models.segmentation))} + transfer ${n(median(m.models.transfer))} = ${n(m.models.sumMedian)} ms ` +
      `(back to back, between the per-size runs: ${n(r.models.sumMedian)} ms; an idle CPU runs the next models slower here). ` +
      `After the click, the path users take waits for the transfer alone: its end-to-end is ${afterClickRatio(m)} the transfer's time alone.`,
    '',
    table(['', ...stages, 'message/swap', 'end-to-end', '÷ models alone'], [
      rowOf('right-click, then the item', m.rightClickMedian),
      rowOf('the item alone', m.aloneMedian),
    ]),
    '',
  ];
}

/** min–max of some numbers, as text. */
const range = (xs: number[], digits = 0) => {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo.toFixed(digits) === hi.toFixed(digits) ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};

/** The runtime at each thread setting side by side, its cold starts and the package with and without it, when the record has them. */
function runtimeSection(r: { runtimeThreads?: RuntimeThreads; runtimeCold?: RuntimeColdResult; packageChoices?: PackageChoice[] }): string[] {
  const out: string[] = [];
  const t = r.runtimeThreads;
  if (t?.byThreads.length) {
    const rounds = t.byThreads[0].rounds.length;
    const spread = (x: (typeof t.byThreads)[number], f: (m: (typeof x.rounds)[number]) => number) => (rounds > 1 ? ` (${range(x.rounds.map(f))})` : '');
    const within = (k: 'segmentation' | 'prediction' | 'transfer' | 'segTransfer') => (t.roundRatios.length ? ` (${range(t.roundRatios.map((x) => x[k]), 2)})` : '');
    const [a, b] = t.byThreads;
    out.push(
      `## Runtime: ${t.runtime} at each thread setting (same offscreen document, ${t.transferModel} transfer, ${rounds} alternating rounds)`,
      '',
      'Medians of raw model runs at fixed inputs, ms, over all rounds, and in brackets the range of the rounds\' medians' +
        (b ? `; ratio = ${b.threads || 'auto'} ÷ ${a.threads || 'auto'} thread(s), over all rounds and, in brackets, within each round.` : '.'),
      '',
      table(['threads', 'plan', 'segmentation', 'prediction', 'transfer', 'seg + transfer'], [
        ...t.byThreads.map((x) => [x.threads || 'auto', JSON.stringify(x.plan), n(x.median.segmentation) + spread(x, (m) => m.segmentation),
          n(x.median.prediction) + spread(x, (m) => m.prediction), n(x.median.transfer) + spread(x, (m) => m.transfer),
          n(x.median.segmentation + x.median.transfer) + spread(x, (m) => m.segmentation + m.transfer)]),
        ...(b ? [['**ratio**', '', t.ratio.segmentation.toFixed(2) + within('segmentation'), t.ratio.prediction.toFixed(2) + within('prediction'),
          t.ratio.transfer.toFixed(2) + within('transfer'),
          ((b.median.segmentation + b.median.transfer) / (a.median.segmentation + a.median.transfer)).toFixed(2) + within('segTransfer')]] : []),
      ]),
      '',
      `Load average (1 min) as the rounds began: ${range(t.loadAverage, 2)}.`,
      '',
    );
  }
  const c = r.runtimeCold;
  if (c?.samples.length) {
    const part = (f: (x: RuntimeColdStart) => number) => `${n(median(c.samples.map(f)))} (${range(c.samples.map(f))})`;
    const each = (k: 'compile' | 'firstRun' | 'secondRun') => ['segmentation', 'transfer', 'prediction'].map((m) => n(median(c.samples.map((x) => x[k][m])))).join(' / ');
    const first = c.samples[0];
    out.push(
      `## Runtime cold start (${c.samples.length} fresh browser${c.samples.length > 1 ? 's' : ''})`,
      '',
      `${first.runtime} (${first.litertBuilds.join(', ')}; ${first.accelerator}, up to ${first.maxThreads} threads, plan ${JSON.stringify(first.plan)}). ` +
        'Medians in ms, (range). `start`: the runtime loaded (glue, wasm compiled and instantiated, thread pool); then each model ' +
        'loaded and compiled, run once (set-up included) and again (segmentation / transfer / prediction); ' +
        '`to a first image`: start + compile + first run of segmentation and transfer (prediction runs once per style).',
      '',
      table(['start', 'compile', 'first run', 'second run', 'to a first image'],
        [[part((x) => x.start), each('compile'), each('firstRun'), each('secondRun'), `**${part((x) => x.toFirstImage)}**`]]),
      '',
    );
  }
  if (r.packageChoices?.length) {
    const base = r.packageChoices.find((x) => !x.without.length) ?? r.packageChoices[0];
    out.push(
      '## Package with and without the runtime (the production build, zipped with `zip -9`)',
      '',
      table(['choice', 'zipped', 'unpacked', 'zipped vs as built'], r.packageChoices.map((x) => [
        x.label + (x.without.length ? ` (without ${x.without.map((w) => `\`${w}\``).join(', ')})` : ''),
        mib(x.zipBytes), mib(x.unpackedBytes), x === base ? '' : `${((x.zipBytes - base.zipBytes) / 2 ** 20).toFixed(2)} MiB`,
      ])),
      '',
    );
  }
  return out;
}

/** `npm run bench -- --only runtime`: the runtime section alone. */
export function runtimeMarkdown(r: RuntimeRecord): string {
  const s = r.stamp;
  return [
    `# Backdrop benchmark (${s.mode}, runtime only)`,
    '',
    `${s.date} · commit ${s.commit.slice(0, 10)} · ${s.browser} · ${s.cpuModel} · ${s.cores} cores (hardwareConcurrency ${s.hardwareConcurrency}) · ` +
      `crossOriginIsolated ${s.crossOriginIsolated} · load average ${s.loadAverage.start.toFixed(2)} → ${s.loadAverage.end.toFixed(2)}`,
    '',
    'Other processes on the machine make absolute times noisy: compare ratios within one run.',
    '',
    ...runtimeSection(r),
    table(['zipped', 'unpacked', 'wasm files'], [[mib(r.package.zipBytes), mib(r.package.unpackedBytes), r.package.wasm.map((w) => `${w.file} (${mib(w.bytes)})`).join('<br>')]]),
    '',
  ].join('\n');
}

/** Chromium and Firefox side by side, measured the same way in this run (measureBrowserColumn). */
export const browsersMarkdown = (b: BrowserColumn[]) => ['# Backdrop benchmark: Chromium and Firefox', '', ...browsersSection({ browsers: b })].join('\n');

function browsersSection(r: Pick<BenchRecord, 'browsers'>): string[] {
  const b = r.browsers;
  if (!b?.length) return [];
  const stages = stagesIn(b.map((x) => x.warm.stages));
  const col = (f: (x: BrowserColumn) => string) => b.map(f);
  return [
    `## Chromium and Firefox (${b[0].image}; cold: ${b[0].cold.length} fresh browser${b[0].cold.length > 1 ? 's' : ''} each; warm: medians)`,
    '',
    table(['', ...b.map((x) => `${x.browser} ${x.version.replace(/^[a-z]+\//i, '')}`)], [
      ['runtime', ...col((x) => x.runtime)],
      ['cold end-to-end', ...col((x) => n(x.coldMedian))],
      ['warm end-to-end', ...col((x) => `**${n(x.warm.e2e)}**`)],
      ...stages.map((k) => [`  ${k}`, ...col((x) => n(x.warm.stages[k] ?? NaN))]),
      ['  message/swap', ...col((x) => n(x.warm.messageSwap))],
      ['models alone: segmentation', ...col((x) => n(median(x.models.segmentation)))],
      ['models alone: transfer', ...col((x) => n(median(x.models.transfer)))],
      ['warm end-to-end ÷ models alone', ...col((x) => (x.warm.e2e / x.models.sumMedian).toFixed(2))],
      [`batch of ${b[0].batch.count}`, ...col((x) => n(x.batch.wall))],
    ]),
    '',
  ];
}
