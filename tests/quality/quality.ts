/**
 * One picture-quality run (issue 18): each photo stylized at the default settings through the real
 * right-click path of the test build, its result read back at full size, measured against a reference
 * subject mask made by ISNet (tests/quality/reference.ts), with a table, a JSON record and overlay
 * pictures under bench-results/quality/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launchWithExtension } from '../support/browser';
import { EXTENSION_DIR, FIXTURES, ROOT } from '../support/paths';
import { readImagePixels } from '../support/pixels';
import { startServer } from '../support/server';
import { MAX_PIXELS, MAX_SIDE } from '../../src/messaging/protocol';
import { DEFAULT_STYLE_ID } from '../../src/styles/builtins';
import { STYLIZED_ATTR } from '../../src/content/swap';
import {
  BAND_SHARE, boxMask, EDGE_PX, F_TOLERANCE_SHARE, KEPT_TOLERANCE, measure, meetsTargets, overall, overlay, PAINTED_THRESHOLD, withBackground, type Box, type Rgba,
} from './metrics';
import { IsnetReference } from './reference';
import { compareMarkdown, markdown, type PhotoRecord, type QualityRecord } from './report';
import { writePng } from './png';

/** The photos among the shared fixtures (the two golden outputs, a mask and a stylization, are not photos). */
export const FIXTURE_PHOTOS = [
  'pexels-jansel-ferma-3949761.jpg',
  'pexels-elly-fairytale-3822220.jpg',
  'pytorchhub_dog.jpg',
  'pytorchhub_deeplab1_person_sheep.png',
  'tfexamples_segmentation_input_image.jpg',
  'tfexamples_style_transfer_input_image.jpg',
];

/**
 * Photos whose ISNet reference is wrong about what the subject is, as seen by eye on the masks
 * (2026-12-04). Their figures measure the reference as much as the extension: the report marks them
 * and gives the overall figures without them too.
 */
export const DOUBTFUL_REFERENCES: Record<string, string> = {
  tfexamples_segmentation_input_image: 'ISNet takes the children and leaves out the horse they sit on, which DeepLab keeps (a VOC class)',
  tfexamples_style_transfer_input_image: "ISNet puts the lower half of the tiger's head (the ruff and the whiskers) under 0.5, though the head fills the frame",
};

/**
 * Parts of a reference that ISNet gets wrong while the rest of its mask is sound, corrected by hand,
 * chosen by eye on the mask and the photo, clear of the main subject: boxes in the photo's pixels made
 * background (2026-12-05), or left unscored where the default settings keep what ISNet, a
 * salient-object model, leaves out (2026-12-06): "every object" keeps every PASCAL VOC object, so
 * people in the background are rightly kept, and a reference for them would have to be drawn by hand
 * to the pixel. The report names each correction.
 */
export const REFERENCE_FIXES: Record<string, { why: string; background?: Box[]; unscored?: Box[] }> = {
  'pexels-jansel-ferma-3949761': {
    why: 'ISNet leaves out the bystanders behind the dancer (a group on the left, a person in red and a scooter), which "every object" keeps as people; their two boxes are unscored',
    unscored: [{ x: 0, y: 840, w: 160, h: 240 }, { x: 385, y: 855, w: 175, h: 215 }],
  },
  'pexels-elly-fairytale-3822220': {
    why: 'ISNet counts the front of the yoga mat as subject; made background by hand below the back foot and left of the hand',
    background: [{ x: 40, y: 772, w: 100, h: 60 }, { x: 140, y: 790, w: 35, h: 42 }, { x: 175, y: 779, w: 170, h: 53 }],
  },
};

export interface QualityOptions {
  outDir?: string;
  /** A folder of more photos (.jpg, .jpeg, .png, .webp), never committed when third-party. */
  extraPhotos?: string;
  /** An earlier quality.json to show beside this run (default: the previous run's, when there is one). */
  compare?: string;
  refreshMasks?: boolean;
}

interface Photo {
  name: string;
  file: string;
  /** Path on the test server. */
  url: string;
}

const PHOTO_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp']);

function photos(extra?: string): Photo[] {
  const list = FIXTURE_PHOTOS.map((f) => ({ name: stem(f), file: join(FIXTURES, f), url: `/fixtures/${f}` }));
  if (extra) {
    const dir = resolve(extra);
    for (const f of readdirSync(dir).sort()) {
      if (PHOTO_EXT.has(extname(f).toLowerCase())) list.push({ name: stem(f), file: join(dir, f), url: `/quality/extra/${encodeURIComponent(f)}` });
    }
  }
  const names = new Set<string>();
  for (const p of list) {
    if (names.has(p.name)) throw new Error(`two photos named ${p.name}`);
    names.add(p.name);
  }
  return list;
}

const stem = (f: string) => basename(f, extname(f)).replace(/[^0-9a-z_-]+/gi, '-');

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
function commit(): string {
  try {
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (modified)' : '');
  } catch {
    return 'unknown';
  }
}

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export async function runQuality(options: QualityOptions = {}): Promise<QualityRecord> {
  const outDir = options.outDir ?? join(ROOT, 'bench-results', 'quality');
  const list = photos(options.extraPhotos);
  const pageHtml = '<!doctype html><meta charset="utf-8"><title>quality</title><style>body{margin:0} img{width:240px;margin:4px;vertical-align:top}</style>\n'
    + list.map((p, i) => `<img id="p${i}" src="${p.url}" alt="">`).join('\n');
  const site = await startServer(undefined, async (path) => {
    if (path === '/quality/page.html') return { type: 'text/html; charset=utf-8', body: pageHtml };
    // The server hands routes the decoded path.
    const extra = path.startsWith('/quality/extra/') ? list.find((p) => decodeURIComponent(p.url) === path) : undefined;
    return extra ? { type: TYPES[extname(extra.file).toLowerCase()] ?? 'application/octet-stream', body: readFileSync(extra.file) } : undefined;
  });

  // 1. In the browser: every original as decoded there, then every result of a right-click "Stylize background".
  const originals = new Map<string, Rgba>(), results = new Map<string, Rgba>();
  let browserVersion = '?';
  const ext = await launchWithExtension();
  try {
    browserVersion = await ext.browser.version();
    const page = await ext.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${site.origin}/quality/page.html`, { waitUntil: 'load' });
    for (const [i, p] of list.entries()) {
      const original = await readImagePixels(page, { url: p.url });
      if (original.width * original.height > MAX_PIXELS || Math.max(original.width, original.height) > MAX_SIDE) {
        throw new Error(`${p.name} is ${original.width}×${original.height}: over the ${MAX_PIXELS / 1e6} MP the extension makes at full size; scale it down first`);
      }
      originals.set(p.name, original);
      const t0 = performance.now();
      results.set(p.name, await stylize(ext, page, `#p${i}`, `${site.origin}${p.url}`));
      console.log(`[quality] ${p.name}: stylized in ${Math.round(performance.now() - t0)} ms`);
    }
  } finally {
    await ext.close();
    await site.close();
  }

  // 2. Reference masks (ISNet in Node, cached), then the measures.
  const reference = new IsnetReference();
  mkdirSync(outDir, { recursive: true });
  const records: PhotoRecord[] = [];
  try {
    for (const p of list) {
      const original = originals.get(p.name)!, result = results.get(p.name)!;
      const t0 = performance.now();
      const mask = await reference.mask(p.name, readFileSync(p.file), original, options.refreshMasks);
      console.log(`[quality] ${p.name}: reference mask ${mask.cached ? 'from the cache' : `made in ${Math.round(performance.now() - t0)} ms`} (${relative(ROOT, mask.path)})`);
      const fix = REFERENCE_FIXES[p.name];
      const { quality, masks } = measure(
        result, original,
        fix?.background ? withBackground(mask.subject, original.width, fix.background) : mask.subject,
        fix?.unscored ? boxMask(original.width, original.height, fix.unscored) : undefined,
      );
      const overlayPath = join(outDir, `${p.name}-overlay.png`);
      await writePng(overlayPath, overlay(original, masks), original.width, original.height);
      await writePng(join(outDir, `${p.name}-result.png`), result.data, result.width, result.height);
      records.push({
        name: p.name, file: relative(ROOT, p.file), ...quality, targets: meetsTargets(quality),
        referenceMask: relative(ROOT, mask.path), overlay: relative(ROOT, overlayPath),
        ...(DOUBTFUL_REFERENCES[p.name] ? { referenceDoubt: DOUBTFUL_REFERENCES[p.name] } : {}),
        ...(fix ? { referenceFix: fix.why } : {}),
      });
    }
  } finally {
    await reference.close();
  }

  const record: QualityRecord = {
    stamp: {
      date: new Date().toISOString(), commit: commit(), browser: browserVersion, build: relative(ROOT, EXTENSION_DIR),
      style: DEFAULT_STYLE_ID, settings: 'default settings (fresh profile)', reference: reference.info(),
    },
    params: { keptTolerance: KEPT_TOLERANCE, paintedThreshold: PAINTED_THRESHOLD, bandShare: BAND_SHARE, fToleranceShare: F_TOLERANCE_SHARE, edgePx: EDGE_PX },
    photos: records,
    overall: overall(records),
    soundReferences: overall(records.filter((r) => !r.referenceDoubt)),
  };

  // 3. The record, the previous run's kept beside it, and the tables.
  const json = join(outDir, 'quality.json'), previous = join(outDir, 'quality-previous.json');
  if (existsSync(json)) renameSync(json, previous);
  writeFileSync(json, JSON.stringify(record, null, 2) + '\n');
  let md = markdown(record);
  const before = options.compare ? resolve(options.compare) : existsSync(previous) ? previous : undefined;
  if (before) md += '\n' + compareMarkdown(JSON.parse(readFileSync(before, 'utf8')) as QualityRecord, record, before.startsWith(ROOT + sep) ? relative(ROOT, before) : before);
  writeFileSync(join(outDir, 'quality.md'), md);
  console.log('\n' + md);
  console.log(`[quality] wrote ${relative(ROOT, outDir)}/quality.{json,md}, <photo>-overlay.png and <photo>-result.png`);
  return record;
}

/** "Stylize background" on the image `selector` through the service worker's context-menu handler; the result's pixels. */
async function stylize(ext: Awaited<ReturnType<typeof launchWithExtension>>, page: Page, selector: string, srcUrl: string): Promise<Rgba> {
  const outcome = await ext.click('stylize-background', page, srcUrl) as { ok: boolean; error?: unknown } | undefined;
  if (!outcome?.ok) throw new Error(`stylizing ${srcUrl} failed: ${JSON.stringify(outcome)}`);
  const state = await page.$eval(selector, (el, attr) => ({ stylized: el.hasAttribute(attr), src: el.getAttribute('src') ?? '' }), STYLIZED_ATTR);
  if (!state.stylized || !state.src.startsWith('blob:')) throw new Error(`${selector} was not swapped for a readable result: ${JSON.stringify(state)}`);
  return readImagePixels(page, { selector });
}
