/**
 * The benchmark's pages and images, all in memory. Images are made at run time by drawing a fixture
 * photo, cover-cropped, into a canvas of the wanted size and encoding it as JPEG (none are committed).
 */
import type { Page } from 'puppeteer-core';
import type { Route } from '../support/server';
import { makeJpeg, type ImageSpec as JpegSpec } from '../support/images';
import { galleryFixture, type BenchConfig } from './config';

export interface ImageSpec extends JpegSpec {
  name: string;
}

const imgPath = (name: string) => `/bench/img/${name}.jpg`;
export const sizeImage = (label: string) => `size-${label.replace(/[^0-9a-z]+/gi, 'x')}`;
export const galleryImage = (i: number) => `gallery-${i}`;

export function imageSpecs(config: BenchConfig): ImageSpec[] {
  return [
    ...config.sizes.map((s) => ({ name: sizeImage(s.label), fixture: s.fixture, width: s.width, height: s.height })),
    ...Array.from({ length: config.galleryCount }, (_, i) => ({ name: galleryImage(i), fixture: galleryFixture(i), ...config.gallerySize })),
  ];
}

function pages(config: BenchConfig): Record<string, string> {
  const head = `<!doctype html><meta charset="utf-8"><style>body{margin:0} img{margin:4px;vertical-align:top}</style>`;
  const sizes = config.sizes.map((s) => `<img id="${sizeImage(s.label)}" src="${imgPath(sizeImage(s.label))}" style="width:320px" alt="">`);
  const gallery = Array.from({ length: config.galleryCount }, (_, i) => `<img id="${galleryImage(i)}" src="${imgPath(galleryImage(i))}" style="width:200px" alt="">`);
  return {
    '/bench/blank.html': `${head}<title>blank</title>`,
    '/bench/sizes.html': `${head}<title>sizes</title>${sizes.join('\n')}`,
    '/bench/gallery.html': `${head}<title>gallery</title>${gallery.join('\n')}`,
  };
}

/** Serves the pages and whatever images have been made so far. */
export function benchRoute(config: BenchConfig, images: Map<string, Buffer>): Route {
  const html = pages(config);
  return async (path) => {
    if (html[path]) return { type: 'text/html; charset=utf-8', body: html[path] };
    const m = /^\/bench\/img\/(.+)\.jpg$/.exec(path);
    const bytes = m && images.get(m[1]);
    return bytes ? { type: 'image/jpeg', body: bytes } : undefined;
  };
}

/** Draws each fixture into a canvas of the spec's size in `page` (on the server's origin) and returns JPEG bytes. */
export async function makeImages(page: Page, specs: ImageSpec[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const spec of specs) out.set(spec.name, await makeJpeg(page, spec));
  return out;
}
