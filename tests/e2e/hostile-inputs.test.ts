/**
 * Hostile and broken inputs (issue 16.3) and the authority of the extension's own request (16.2),
 * end to end: real Chromium, the built extension, the real models.
 *
 * Each hostile input ends in a plain-words message on the image, the original untouched (its
 * attributes, and its pixels where the page can read them), the offscreen document and the service
 * worker still the same ones (neither crashed nor replaced), and a good photo stylizing right after.
 *
 * The server answers the page's own <img> request (Sec-Fetch-Dest: image) for the bombs, the huge,
 * endless and stalled answers and the redirects with an ordinary picture, and keeps the hostile
 * answer for the extension's fetch: the page stays usable and its original readable, and it is the
 * extension that meets the attack. (A server can always tell the two apart.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { onlyIn } from '../support/only-in';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';
import { FIXTURES } from '../support/paths';
import { animatedWebp, apng, gif, jpegDeclaring, pngBomb, SVG } from '../support/hostile-images';

let ext: ExtensionBrowser;
let site: TestServer;
let third: TestServer;
let page: Page;
/** Responses the hostile routes hold open (stalled, endless): ended after the run. */
const open = new Set<ServerResponse>();
let animatedWebpFile: Buffer | undefined;
const DECOY = 'pexels-elly-fairytale-3822220.jpg';
const decoy = () => readFile(join(FIXTURES, DECOY));

const isImgRequest = (req: IncomingMessage) => req.headers['sec-fetch-dest'] === 'image';

/** The hostile answers, for the extension's request only (see above). */
async function hostile(path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!path.startsWith('/hostile/')) return false;
  const name = path.slice('/hostile/'.length);
  const headers = { 'cache-control': 'no-store' };
  // Always served as themselves: the page shows them as they are.
  if (name === 'drawing.svg') return void res.writeHead(200, { ...headers, 'content-type': 'image/svg+xml' }).end(SVG), true;
  if (name === 'anim.gif') return void res.writeHead(200, { ...headers, 'content-type': 'image/gif' }).end(gif(160, 120, 2)), true;
  if (name === 'anim.png') return void res.writeHead(200, { ...headers, 'content-type': 'image/png' }).end(apng(160, 120)), true;
  if (name === 'anim.webp') return void res.writeHead(200, { ...headers, 'content-type': 'image/webp' }).end(animatedWebpFile), true;
  if (isImgRequest(req)) return void res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' }).end(await decoy()), true;
  open.add(res);
  res.on('close', () => open.delete(res));
  switch (name) {
    case 'bomb.png': return void res.writeHead(200, { ...headers, 'content-type': 'image/png' }).end(pngBomb(30000, 30000)), true;
    case 'bomb.gif': return void res.writeHead(200, { ...headers, 'content-type': 'image/gif' }).end(gif(96, 96, 1, 30000, 30000)), true;
    case 'bomb.jpg': return void res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' }).end(jpegDeclaring(await decoy())), true;
    case 'huge.jpg': { // 300 MB, said so in Content-Length
      res.writeHead(200, { ...headers, 'content-type': 'image/jpeg', 'content-length': String(300 * 1024 * 1024) });
      res.write((await decoy()).subarray(0, 4096));
      return true;
    }
    case 'endless.jpg': { // no Content-Length, a JPEG's start, then bytes without end
      res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(256 * 1024, 0x55);
      res.write((await decoy()).subarray(0, 4096));
      const pump = () => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', pump);
      pump();
      return true;
    }
    case 'stall.jpg': // the headers and a start, then nothing, the connection kept open
      res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' });
      res.write((await decoy()).subarray(0, 4096));
      return true;
    case 'to-data': return void res.writeHead(302, { ...headers, location: `data:image/jpeg;base64,${(await decoy()).toString('base64')}` }).end(), true;
    case 'to-file': return void res.writeHead(302, { ...headers, location: 'file:///etc/hostname' }).end(), true;
    case 'to-chrome': return void res.writeHead(302, { ...headers, location: 'chrome://version/' }).end(), true;
    case 'to-javascript': return void res.writeHead(302, { ...headers, location: 'javascript:alert(1)' }).end(), true;
    default: return false;
  }
}

/** A third site's image that is one photo with its cookie, another without; same for the page's own host. */
async function cookieImage(path: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!path.startsWith('/private/')) return false;
  const withCookie = /(^|;\s*)session=secret/.test(req.headers.cookie ?? '');
  if (path === '/private/photo.jpg') {
    const file = withCookie ? 'pexels-jansel-ferma-3949761.jpg' : 'pytorchhub_dog.jpg';
    res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'image/jpeg' }).end(await readFile(join(FIXTURES, file)));
    return true;
  }
  if (path === '/private/cacheable.jpg') { // kept by the browser's HTTP cache: which copy does the extension get?
    const file = withCookie ? 'pexels-jansel-ferma-3949761.jpg' : 'pytorchhub_dog.jpg';
    res.writeHead(200, { 'cache-control': 'private, max-age=600', 'content-type': 'image/jpeg' }).end(await readFile(join(FIXTURES, file)));
    return true;
  }
  if (path === '/private/to-third') { // the page's own host sends the image on to the third site
    return void res.writeHead(302, { 'cache-control': 'no-store', location: `${thirdOrigin()}/private/photo.jpg` }).end(), true;
  }
  if (path === '/private/members-only.jpg') { // the page's own host: refused without the cookie
    if (!withCookie) return void res.writeHead(403, { 'cache-control': 'no-store' }).end('members only'), true;
    res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'image/jpeg' }).end(await readFile(join(FIXTURES, 'pytorchhub_dog.jpg')));
    return true;
  }
  return false;
}

const pageHtml = (thirdOrigin: string) => `<!doctype html><meta charset="utf-8"><title>hostile</title>
<style>body { margin: 0 } img { display: inline-block; margin: 4px; width: 160px; height: 120px }</style>
<img id="bomb-png" src="/hostile/bomb.png">
<img id="bomb-gif" src="/hostile/bomb.gif">
<img id="bomb-jpg" src="/hostile/bomb.jpg">
<img id="huge" src="/hostile/huge.jpg">
<img id="endless" src="/hostile/endless.jpg">
<img id="stall" src="/hostile/stall.jpg">
<img id="svg" src="/hostile/drawing.svg">
<img id="anim-gif" src="/hostile/anim.gif">
<img id="anim-png" src="/hostile/anim.png">
<img id="anim-webp" src="/hostile/anim.webp">
<img id="to-data" src="/hostile/to-data">
<img id="to-file" src="/hostile/to-file">
<img id="to-chrome" src="/hostile/to-chrome">
<img id="to-javascript" src="/hostile/to-javascript">
<img id="third" src="${thirdOrigin}/private/photo.jpg">
<img id="members" src="/private/members-only.jpg">
<iframe id="foreign" src="${thirdOrigin}/blob-maker.html" style="width: 10px; height: 10px"></iframe>`;

/** A page of the third site that makes a blob: URL of a photo (its own origin's) and hands it to the parent. */
const blobMakerHtml = `<!doctype html><script>
fetch('/fixtures/pytorchhub_dog.jpg').then((r) => r.blob()).then((b) => parent.postMessage({ blobUrl: URL.createObjectURL(b) }, '*'));
</script>`;

beforeAll(async () => {
  third = await startServer(undefined, async (path) => {
    if (path === '/blob-maker.html') return { type: 'text/html', body: blobMakerHtml };
    if (path === '/cache-page.html') return { type: 'text/html', body: `<!doctype html><img id="cached" src="${site.origin}/private/cacheable.jpg">` };
    return undefined;
  }, cookieImage);
  site = await startServer(undefined, async (path) => (path === '/hostile.html' ? { type: 'text/html; charset=utf-8', body: pageHtml(thirdOrigin()) } : undefined),
    async (path, req, res) => (await hostile(path, req, res)) || cookieImage(path, req, res));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // An animated WebP from a still the browser encodes.
  await page.goto(`${site.origin}/blank.html`);
  const still = Buffer.from(await page.evaluate(async () => {
    const c = new OffscreenCanvas(160, 120);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#2a7';
    ctx.fillRect(0, 0, 160, 120);
    const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/webp', quality: 0.8 })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  }), 'base64');
  animatedWebpFile = animatedWebp(still, 160, 120, 2);
  await page.goto(`${site.origin}/hostile.html`, { waitUntil: 'load' });
  // The offscreen document, marked: a crash or a replacement would lose the mark.
  const off = await ext.startOffscreen();
  await off.evaluate(() => { globalThis.hostileMark = 'still here'; });
  await (await ext.worker()).evaluate(() => { globalThis.hostileMark = 'still here'; });
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await ext?.close();
  await site?.close();
  await third?.close();
});

/** The third site, by another name: `localhost` is not 127.0.0.1's site. */
const thirdOrigin = () => third.origin.replace('127.0.0.1', 'localhost');

const attrs = (sel: string) => page.$eval(sel, (el) => ({
  src: el.getAttribute('src'), srcset: el.getAttribute('srcset'), stylized: el.hasAttribute('data-backdrop-stylized'),
  currentSrc: (el as HTMLImageElement).currentSrc, natural: [(el as HTMLImageElement).naturalWidth, (el as HTMLImageElement).naturalHeight],
}));

/** The message shown on an image, if any. */
const overlayOn = (sel: string) => page.$eval(sel, (img) => {
  const r = img.getBoundingClientRect();
  for (const host of document.querySelectorAll<HTMLElement>('[data-backdrop-overlay]')) {
    const o = host.getBoundingClientRect();
    if (Math.abs(o.left - r.left) < 2 && Math.abs(o.top - r.top) < 2) return { state: host.dataset.state, text: host.shadowRoot?.textContent ?? '' };
  }
  return undefined;
});

const dismissAll = () => page.evaluate(() => {
  for (const host of document.querySelectorAll<HTMLElement>('[data-backdrop-overlay]')) host.shadowRoot?.querySelector('button')?.click();
});

const click = (srcUrl: string, extra?: Record<string, unknown>) =>
  ext.click('stylize-background', page, srcUrl, extra) as Promise<{ ok: boolean; error?: { code: string; message: string } }>;

let goodCount = 0;
/** A good photo added to the page now stylizes: the offscreen document and the worker are the same ones, and work. */
async function expectNextJobWorks() {
  const id = `good-${++goodCount}`;
  const url = `${site.origin}/fixtures/pytorchhub_dog.jpg?n=${goodCount}`;
  await page.evaluate((id, url) => {
    const img = document.createElement('img');
    img.id = id;
    img.src = url;
    img.style.width = '200px';
    document.body.append(img);
    return img.decode();
  }, id, url);
  const outcome = await click(url);
  expect(outcome).toEqual({ ok: true });
  expect((await attrs(`#${id}`)).stylized).toBe(true);
  const off = await ext.offscreen();
  expect(await off.evaluate(() => globalThis.hostileMark)).toBe('still here');
  expect(await (await ext.worker()).evaluate(() => globalThis.hostileMark)).toBe('still here');
}

/** Right-clicks `sel`, expects the job refused with `code` and `words` on the image, and the original untouched. */
async function expectRefused(sel: string, code: string, words: RegExp, readable = true) {
  const before = await attrs(sel);
  const pixels = readable ? await readImagePixels(page, { selector: sel }) : undefined;
  const outcome = await click(before.currentSrc || before.src!);
  expect(outcome.ok).toBe(false);
  expect(outcome.error?.code).toBe(code);
  expect(outcome.error?.message).toMatch(words);
  const overlay = await overlayOn(sel);
  expect(overlay?.state).toBe('error');
  expect(overlay?.text).toMatch(words);
  expect(await attrs(sel)).toEqual(before);
  if (pixels) expect(meanAbsDiff(await readImagePixels(page, { selector: sel }), pixels).mad).toBe(0);
  await dismissAll();
  await expectNextJobWorks();
}

/** Adds an image to the page and waits until it loaded or failed. */
const addImage = (id: string, src: string) => page.evaluate((id, src) => new Promise((resolve) => {
  const img = document.createElement('img');
  img.id = id;
  img.src = src;
  img.style.width = '160px';
  img.onload = img.onerror = resolve;
  document.body.append(img);
}), id, src);

describe('hostile and broken inputs', () => {
  test.each([
    ['#bomb-png', 'a PNG declaring 30000×30000', /30000×30000 pixels: too large to decode safely/],
    ['#bomb-gif', 'a GIF declaring 30000×30000', /30000×30000 pixels: too large to decode safely/],
    ['#bomb-jpg', 'a JPEG declaring 65500×65500', /65500×65500 pixels: too large to decode safely/],
  ])('%s (%s) is refused from its header', async (sel, _what, words) => {
    await expectRefused(sel, 'too-large', words);
  });

  test('a response of 300 MB is refused from its Content-Length', async () => {
    await expectRefused('#huge', 'too-large', /The image file is 300 MB; Backdrop reads files up to 64 MB/);
  });

  test('a response without a length that never ends is stopped at the byte cap', async () => {
    await expectRefused('#endless', 'too-large', /larger than 64 MB/);
  });

  test('a response that stalls meets the time limit, with its own words', async () => {
    await expectRefused('#stall', 'timeout', /stopped sending it: nothing came for 15 s/);
  }, 60_000);

  test('a stalled image right-clicked: the reading begun while the menu was open ends the job, not a second wait', async () => {
    site.requests.length = 0;
    await page.click('#stall', { button: 'right' }); // a trusted right-click: the image is read ahead
    const off = await ext.offscreen();
    const src = `${site.origin}/hostile/stall.jpg`;
    await off.waitForFunction((src) => globalThis.backdropDebug.info().then((i) => i.readAheadLast === src), { polling: 50, timeout: 10_000 }, src);
    await expectRefused('#stall', 'timeout', /stopped sending it: nothing came for 15 s/);
    expect(site.requests.filter((r) => r.path === '/hostile/stall.jpg' && r.dest !== 'image')).toHaveLength(1);
  }, 60_000);

  test('an SVG drawing is refused in plain words', async () => {
    await expectRefused('#svg', 'unsupported', /SVG drawing; Backdrop paints photos and other raster images only/);
  });

  test.each([
    ['#anim-gif', /animated GIF; Backdrop paints still pictures only/],
    ['#anim-png', /animated PNG \(APNG\); Backdrop paints still pictures only/],
    ['#anim-webp', /animated WebP; Backdrop paints still pictures only/],
  ])('an animated image %s is refused, left moving as it was', async (sel, words) => {
    await expectRefused(sel, 'unsupported', words);
  });

  test.each(['#to-data', '#to-file', '#to-chrome', '#to-javascript'])('a redirect to another kind of address (%s) is refused as such', async (sel) => {
    await expectRefused(sel, 'blocked', /redirects somewhere Backdrop does not read images from/);
  });

  test('a blob: URL of another origin fails cleanly', async () => {
    const blobUrl = await page.evaluate(() => new Promise<string>((resolve) => {
      addEventListener('message', (e) => {
        const img = document.createElement('img');
        img.id = 'foreign-blob';
        img.src = e.data.blobUrl;
        img.style.width = '160px';
        // Settled either way (the browser may or may not show another origin's blob) before the job.
        img.onload = img.onerror = () => resolve(e.data.blobUrl);
        document.body.append(img);
      }, { once: true });
      const frame = document.getElementById('foreign') as HTMLIFrameElement;
      frame.src = frame.src; // the maker posts again on load
    }));
    expect(blobUrl).toMatch(/^blob:http:\/\/localhost:/);
    await expectRefused('#foreign-blob', 'blocked', /does not let Backdrop read this image/, false);
  });
});

describe('what the extension sends', () => {
  test('a third site\'s image is read without the cookie the page\'s own request does not send', async () => {
    // A SameSite=Lax cookie of the third site: a cross-site <img> request never carries it.
    await page.setCookie({ name: 'session', value: 'secret', url: thirdOrigin(), sameSite: 'Lax' });
    third.requests.length = 0;
    const src = `${thirdOrigin()}/private/photo.jpg`;
    await page.$eval('#third', (img, src) => { (img as HTMLImageElement).src = `${src}?again`; return (img as HTMLImageElement).decode(); }, src);
    const outcome = await click(`${src}?again`);
    expect(outcome).toEqual({ ok: true });
    const seen = third.requests.filter((r) => r.path === '/private/photo.jpg');
    const pages = seen.filter((r) => r.dest === 'image');
    const extension = seen.filter((r) => r.dest !== 'image');
    expect(pages.length).toBeGreaterThan(0);
    expect(extension.length).toBeGreaterThan(0);
    // The page's own request went without it, and so did the extension's.
    expect(pages.map((r) => r.cookie)).toEqual(pages.map(() => undefined));
    expect(extension.map((r) => r.cookie)).toEqual(extension.map(() => undefined));
    await dismissAll();
  });

  // Firefox keeps an extension's requests apart from the page's cookies (seen here: the page's own request carried it, the extension's did not).
  const sameSiteCookies = onlyIn('chromium', 'Firefox sends the site\'s cookie with no request of the extension (README, Limits)');
  sameSiteCookies('an image of the page\'s own host is read with the cookie its own request carries', async () => {
    await page.setCookie({ name: 'session', value: 'secret', url: site.origin, sameSite: 'Strict' });
    site.requests.length = 0;
    await page.$eval('#members', (img) => { (img as HTMLImageElement).src = '/private/members-only.jpg?again'; return (img as HTMLImageElement).decode(); });
    const outcome = await click(`${site.origin}/private/members-only.jpg?again`);
    expect(outcome).toEqual({ ok: true });
    const seen = site.requests.filter((r) => r.path === '/private/members-only.jpg');
    expect(seen.filter((r) => r.dest === 'image').map((r) => r.cookie)).toEqual(['session=secret']);
    expect(seen.filter((r) => r.dest !== 'image').map((r) => r.cookie)).toEqual(['session=secret']);
    expect((await attrs('#members')).stylized).toBe(true);
  });

  test('a redirect from the page\'s own host to the third site carries no cookie there', async () => {
    // The third site's SameSite=Lax cookie is set (above); the page's own host redirects to it.
    await addImage('to-third', '/private/to-third');
    third.requests.length = 0;
    const outcome = await click(`${site.origin}/private/to-third`);
    expect(outcome).toEqual({ ok: true });
    const seen = third.requests.filter((r) => r.path === '/private/photo.jpg' && r.dest !== 'image');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((r) => r.cookie)).toEqual(seen.map(() => undefined));
    await dismissAll();
  });

  sameSiteCookies('a copy the page cached with its cookie is not what the extension reads for another site\'s page', async () => {
    // The page's own host shows it with its cookie, and the browser caches that copy.
    await page.setCookie({ name: 'session', value: 'secret', url: site.origin, sameSite: 'Strict' });
    site.requests.length = 0;
    await addImage('cacheable', '/private/cacheable.jpg');
    // Stylized there, the extension reads it with the cookie too (and keeps no copy of that answer).
    expect(await click(`${site.origin}/private/cacheable.jpg`)).toEqual({ ok: true });
    expect(site.requests.filter((r) => r.path === '/private/cacheable.jpg').map((r) => r.cookie)).toEqual(['session=secret', 'session=secret']);
    // The third site's page shows the same URL; stylized there, the extension asks the server itself, without the cookie.
    const other = await ext.browser.newPage();
    try {
      await other.goto(`${thirdOrigin()}/cache-page.html`, { waitUntil: 'load' });
      site.requests.length = 0;
      const outcome = await ext.click('stylize-background', other, `${site.origin}/private/cacheable.jpg`) as { ok: boolean };
      expect(outcome).toEqual({ ok: true });
      const extension = site.requests.filter((r) => r.path === '/private/cacheable.jpg' && r.dest !== 'image');
      expect(extension.length).toBeGreaterThan(0);
      expect(extension.map((r) => r.cookie)).toEqual(extension.map(() => undefined));
    } finally {
      await other.close();
    }
  });

  // (It reads the image the test above showed the page with its cookie.)
  sameSiteCookies('framed by another site, the same image is read without it', async () => {
    site.requests.length = 0;
    const outcome = await click(`${site.origin}/private/members-only.jpg?again`, { frameUrl: page.url(), pageUrl: `${thirdOrigin()}/top.html` });
    // The page's host refuses it without the cookie: the extension did not send it.
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toMatch(/HTTP 403/);
    expect(site.requests.filter((r) => r.path === '/private/members-only.jpg').map((r) => r.cookie)).not.toContain('session=secret');
    await dismissAll();
  });
});
