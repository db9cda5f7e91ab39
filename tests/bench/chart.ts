/** A stacked horizontal bar chart of the stages, as a self-contained SVG. */
import type { BenchRecord } from './record';
import { stagesOf } from './report';
import { median } from './stats';

const COLORS = ['#4e79a7', '#a0cbe8', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#e15759', '#f28e2b', '#9c755f', '#bab0ac', '#ff9da7'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Bar {
  label: string;
  parts: { key: string; ms: number }[];
}

function bars(r: BenchRecord): Bar[] {
  const stages = stagesOf(r);
  const warm = r.sizes.map((s) => ({
    label: `${s.label} warm`,
    parts: [...stages.map((k) => ({ key: k, ms: s.median.stages[k] ?? 0 })), { key: 'message/swap', ms: s.median.messageSwap }],
  }));
  const cold = r.cold.cold[0];
  return [
    ...warm,
    {
      label: `${r.cold.image} cold`,
      parts: [...stages.map((k) => ({ key: k, ms: cold.stages[k] ?? 0 })), { key: 'message/swap', ms: cold.messageSwap }],
    },
    { label: 'models alone', parts: [{ key: 'segmentation', ms: median(r.models.segmentation) }, { key: 'transfer', ms: median(r.models.transfer) }] },
  ];
}

export function chartSvg(r: BenchRecord): string {
  const keys = [...stagesOf(r), 'message/swap'];
  const color = (k: string) => COLORS[keys.indexOf(k) % COLORS.length];
  const data = bars(r);
  const left = 150, right = 90, width = 900, barH = 22, gap = 10, top = 40;
  const plotW = width - left - right;
  const max = Math.max(...data.map((b) => b.parts.reduce((a, p) => a + Math.max(0, p.ms), 0)));
  const x = (ms: number) => (ms / max) * plotW;
  const legendY = top + data.length * (barH + gap) + 10;
  const height = legendY + Math.ceil(keys.length / 6) * 20 + 10;

  const rows = data.map((b, i) => {
    const y = top + i * (barH + gap);
    let at = left;
    const rects = b.parts.filter((p) => p.ms > 0).map((p) => {
      const w = x(p.ms);
      const rect = `<rect x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color(p.key)}"><title>${esc(p.key)}: ${Math.round(p.ms)} ms</title></rect>`;
      at += w;
      return rect;
    });
    const total = b.parts.reduce((a, p) => a + p.ms, 0);
    return `<text x="${left - 8}" y="${y + barH * 0.7}" text-anchor="end">${esc(b.label)}</text>${rects.join('')}` +
      `<text x="${(at + 6).toFixed(1)}" y="${y + barH * 0.7}">${Math.round(total)} ms</text>`;
  });
  const legend = keys.map((k, i) => {
    const lx = left + (i % 6) * 110, ly = legendY + Math.floor(i / 6) * 20;
    return `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${color(k)}"/><text x="${lx + 16}" y="${ly + 10}">${esc(k)}</text>`;
  });
  const s = r.stamp;
  const title = `Backdrop ${s.mode} benchmark: median ms per stage · ${s.browser} · ${s.cores} cores · ${s.accelerator}, up to ${s.maxThreads} threads`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>
${rows.join('\n')}
${legend.join('\n')}
</svg>
`;
}
