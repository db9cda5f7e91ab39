// Backdrop's icon: drawn once as SVG (assets/icon.svg), rendered to the PNG sizes the browsers ask
// for at build time, so no binary art lives in the repository. wxt.config.ts copies the PNGs into
// each package (its build:publicAssets hook) and names them in the manifest (`icons`, the toolbar
// button's `default_icon`).
//
// resvg (@resvg/resvg-js, a prebuilt renderer inside the npm package) draws the same pixels on every
// machine, with no browser or system library involved.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SVG = join(ROOT, 'assets/icon.svg');

/** The sizes Chrome's and Firefox's toolbars, extension pages and stores use. */
export const ICON_SIZES = [16, 32, 48, 128];
/** The toolbar button's: 16 at 1×, 32 on a high-density screen. */
export const ACTION_ICON_SIZES = [16, 32];

/** The path of the icon of one size inside the package. */
export const iconPath = (size) => `icon/${size}.png`;

/** `{ "16": "icon/16.png", … }` for the given sizes, as a manifest's icon maps are written. */
export const iconMap = (sizes = ICON_SIZES) => Object.fromEntries(sizes.map((s) => [String(s), iconPath(s)]));

/** The SVG drawn at `size` × `size` pixels, as a PNG file's bytes. */
export function renderIcon(size, svg = readFileSync(ICON_SVG)) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
}

/**
 * Renders every size into `dir` and returns `[{ size, file }]`. Each file is written beside its
 * final name and then renamed over it: builds running at once (BACKDROP_OUT) write the same bytes
 * and never read a half-written file.
 */
export function renderIcons(dir) {
  mkdirSync(dir, { recursive: true });
  const svg = readFileSync(ICON_SVG);
  return ICON_SIZES.map((size) => {
    const file = join(dir, `${size}.png`);
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, renderIcon(size, svg));
    renameSync(part, file);
    return { size, file };
  });
}
