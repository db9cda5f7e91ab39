/** The quality run's record (bench-results/quality/quality.json) and its tables, alone and side by side with an earlier run. */
import { meetsTargets, TARGETS, type Overall, type PhotoQuality, type Summary } from './metrics';
import type { ReferenceInfo } from './reference';

export interface PhotoRecord extends PhotoQuality {
  name: string;
  file: string;
  /** Issue 18's targets, met or not, for this photo. */
  targets: ReturnType<typeof meetsTargets>;
  referenceMask: string;
  overlay: string;
  /** Why this photo's reference mask is not to be trusted about what the subject is (see DOUBTFUL_REFERENCES). */
  referenceDoubt?: string;
  /** What was corrected by hand in this photo's reference (see REFERENCE_FIXES). */
  referenceFix?: string;
}

export interface QualityRecord {
  stamp: {
    date: string;
    commit: string;
    browser: string;
    build: string;
    style: string;
    settings: string;
    reference: ReferenceInfo;
  };
  params: { keptTolerance: number; paintedThreshold: number; bandShare: number; fToleranceShare: number; edgePx: number };
  photos: PhotoRecord[];
  overall: Overall;
  /** The same over the photos whose reference is sound (no referenceDoubt). */
  soundReferences?: Overall;
}

/** No figure: NaN in this run, null in a record read back (JSON writes NaN as null). */
const none = (x: number | null) => x === null || Number.isNaN(x);
const pct = (x: number | null) => (none(x) ? '–' : `${(x! * 100).toFixed(1)} %`);
const num = (x: number | null, d = 2) => (none(x) ? '–' : x!.toFixed(d));
const mark = (ok: boolean) => (ok ? 'met' : '**not met**');

export function summaryTargets(s: Summary) {
  return { halo: !(s.halo > TARGETS.haloMax), bleed: !(s.bleed > TARGETS.bleedMax), f: s.f >= TARGETS.fMin };
}

/** The run's table in Markdown. */
export function markdown(r: QualityRecord): string {
  const lines = [
    `# Picture quality (issue 18)`,
    '',
    `${r.stamp.date.slice(0, 10)}, commit ${r.stamp.commit}, ${r.stamp.browser}, build ${r.stamp.build}, ${r.stamp.settings}, style ${r.stamp.style}.`,
    `Reference: ${r.stamp.reference.model}, ${r.stamp.reference.runtime}.`,
    `Targets: halo ≤ ${pct(TARGETS.haloMax)}, bleed ≤ ${pct(TARGETS.bleedMax)}, F ≥ ${TARGETS.fMin}, no frame strip (widest ≤ the F tolerance).`,
    '',
    '| photo | size | subject: reference / kept | halo | bleed | F (P / R) | frame strip: painted / widest | targets not met |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.photos.map((p) => {
      const missed = Object.entries(p.targets).filter(([, ok]) => !ok).map(([k]) => k);
      return `| ${p.name}${p.referenceDoubt ? ' ¹' : ''}${p.referenceFix ? ' ²' : ''} | ${p.width}×${p.height} | ${pct(p.referenceArea)} / ${pct(p.keptArea)} | ${pct(p.halo.share)} | ${pct(p.bleed.share)} | `
        + `${num(p.boundary.f)} (${num(p.boundary.precision.share)} / ${num(p.boundary.recall.share)}) | `
        + `${p.strip.touching ? `${pct(p.strip.painted.share)} / ${p.strip.widest} px` : 'not on the edge'} | ${missed.join(', ') || '–'} |`;
    }),
    ...overallRows('all', r.overall),
    ...(r.soundReferences && r.photos.some((p) => p.referenceDoubt) ? overallRows('all but ¹', r.soundReferences) : []),
    '',
    ...r.photos.filter((p) => p.referenceDoubt).map((p) => `¹ ${p.name}: the reference is doubtful: ${p.referenceDoubt}.`),
    ...r.photos.filter((p) => p.referenceFix).map((p) => `² ${p.name}: the reference is corrected by hand: ${p.referenceFix}.`),
    '',
    `Over all photos (pooled): halo ${mark(summaryTargets(r.overall.pooled).halo)}, bleed ${mark(summaryTargets(r.overall.pooled).bleed)}, `
      + `F ${mark(summaryTargets(r.overall.pooled).f)}, frame strip ${mark(r.photos.every((p) => p.targets.strip))}.`,
    '',
    'Bands: 2 % of each photo\'s diagonal; F tolerance 0.5 %; kept: within 3/255 on every channel; painted: mean difference over 12/255; '
      + `frame strip: reference-subject pixels within ${r.params.edgePx} px of the edge. Overlays: halo red, bleed blue, frame strip yellow, `
      + 'reference outline green, unscored boxes grey, on the original dimmed.',
  ];
  return lines.join('\n') + '\n';
}

function overallRows(label: string, o: Overall): string[] {
  return (['pooled', 'mean'] as const).map((k) => {
    const s = o[k];
    return `| **${label}, ${k === 'pooled' ? 'pooled over pixels' : 'mean over photos'}** | | | ${pct(s.halo)} | ${pct(s.bleed)} | ${num(s.f)} | `
      + `${pct(s.stripShare)} / ${k === 'pooled' ? `${s.stripWidest} px (widest)` : `${num(s.stripWidest, 1)} px (mean widest)`} | |`;
  });
}

const arrow = (a: string, b: string) => `${a} → ${b}`;

/** The earlier run beside this one, per photo and overall (photos in either run). */
export function compareMarkdown(before: QualityRecord, after: QualityRecord, beforeLabel: string): string {
  const names = [...new Set([...before.photos.map((p) => p.name), ...after.photos.map((p) => p.name)])];
  const cell = (p: PhotoRecord | undefined, f: (p: PhotoRecord) => string) => (p ? f(p) : 'absent');
  const strip = (p: PhotoRecord) => (p.strip.touching ? `${pct(p.strip.painted.share)} / ${p.strip.widest} px` : '–');
  const rows = names.map((n) => {
    const b = before.photos.find((p) => p.name === n), a = after.photos.find((p) => p.name === n);
    return `| ${n}${a?.referenceDoubt ? ' ¹' : ''}${a?.referenceFix ? ' ²' : ''} | ${arrow(cell(b, (p) => pct(p.halo.share)), cell(a, (p) => pct(p.halo.share)))} | ${arrow(cell(b, (p) => pct(p.bleed.share)), cell(a, (p) => pct(p.bleed.share)))} | `
      + `${arrow(cell(b, (p) => num(p.boundary.f)), cell(a, (p) => num(p.boundary.f)))} | ${arrow(cell(b, strip), cell(a, strip))} |`;
  });
  const overall = (['pooled', 'mean'] as const).map((k) => {
    const b = before.overall[k], a = after.overall[k];
    return `| **all, ${k}** | ${arrow(pct(b.halo), pct(a.halo))} | ${arrow(pct(b.bleed), pct(a.bleed))} | ${arrow(num(b.f), num(a.f))} | `
      + `${arrow(`${pct(b.stripShare)} / ${num(b.stripWidest, k === 'pooled' ? 0 : 1)} px`, `${pct(a.stripShare)} / ${num(a.stripWidest, k === 'pooled' ? 0 : 1)} px`)} |`;
  });
  if (before.soundReferences && after.soundReferences && after.photos.some((p) => p.referenceDoubt)) {
    const b = before.soundReferences.pooled, a = after.soundReferences.pooled;
    overall.push(`| **all but ¹, pooled** | ${arrow(pct(b.halo), pct(a.halo))} | ${arrow(pct(b.bleed), pct(a.bleed))} | ${arrow(num(b.f), num(a.f))} | `
      + `${arrow(`${pct(b.stripShare)} / ${b.stripWidest} px`, `${pct(a.stripShare)} / ${a.stripWidest} px`)} |`);
  }
  return [
    `## Before → after`,
    '',
    `Before: ${beforeLabel} (${before.stamp.date.slice(0, 16)}, commit ${before.stamp.commit}). After: this run (${after.stamp.date.slice(0, 16)}, commit ${after.stamp.commit}).`,
    '',
    '| photo | halo | bleed | F | frame strip: painted / widest |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...overall,
  ].join('\n') + '\n';
}
