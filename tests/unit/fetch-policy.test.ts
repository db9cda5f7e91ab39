// @vitest-environment node
/**
 * What the offscreen document's request for an image may carry, and the bounds of a download: the
 * rule alone, then fetchImage against a real local server (Node's fetch, small limits).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { credentialsFor, requestInit, sameHost, sourceKey } from '../../src/inference/fetch-policy';
import { fetchImage, JobFailure, type FetchLimits } from '../../src/inference/decode';
import { errorText } from '../../src/i18n/errors';
import { solidPng } from '../support/hostile-images';

describe('credentialsFor', () => {
  const page = (frameUrl: string, topUrl = frameUrl) => ({ frameUrl, topUrl });

  test('cookies only for an image on the very host, and scheme, of both the frame and the top page', () => {
    expect(credentialsFor('https://a.example/x.jpg', page('https://a.example/p'))).toBe('include');
    expect(credentialsFor('http://127.0.0.1:9000/x.jpg', page('http://127.0.0.1:8000/'))).toBe('include'); // ports aside, as sites are
    expect(credentialsFor('https://b.example/x.jpg', page('https://a.example/p'))).toBe('omit'); // another site
    expect(credentialsFor('http://a.example/x.jpg', page('https://a.example/p'))).toBe('omit'); // schemefully cross-site
    expect(credentialsFor('https://a.example/x.jpg', page('https://a.example/f', 'https://evil.example/'))).toBe('omit'); // framed by another site
    expect(credentialsFor('https://a.example/x.jpg', page('https://evil.example/f', 'https://a.example/'))).toBe('omit'); // in another site's frame
    expect(credentialsFor('http://localhost:9/x.jpg', page('http://127.0.0.1:9/'))).toBe('omit');
  });

  test('inside a frame, even of the top\'s host, no cookies: the frames between are not known', () => {
    expect(credentialsFor('https://a.example/x.jpg', { frameUrl: 'https://a.example/f', topUrl: 'https://a.example/', framed: true })).toBe('omit');
  });

  test('narrow where the Public Suffix List would be needed: sibling hosts go without cookies', () => {
    expect(credentialsFor('https://img.example.com/x.jpg', page('https://www.example.com/'))).toBe('omit');
    expect(credentialsFor('https://b.github.io/x.jpg', page('https://a.github.io/'))).toBe('omit');
  });

  test('no page, or a page that is not http(s), gives no cookies', () => {
    expect(credentialsFor('https://a.example/x.jpg')).toBe('omit');
    expect(credentialsFor('https://a.example/x.jpg', page('about:blank'))).toBe('omit');
    expect(credentialsFor('file:///x.jpg', page('file:///p.html'))).toBe('omit');
    expect(sameHost('not a url', 'https://a.example/')).toBe(false);
  });

  test('a request with cookies follows no redirect and skips the HTTP cache; none sends a referrer', () => {
    expect(requestInit('include')).toMatchObject({ credentials: 'include', redirect: 'error', cache: 'no-store', referrerPolicy: 'no-referrer' });
    expect(requestInit('omit')).toMatchObject({ credentials: 'omit', redirect: 'follow', cache: 'force-cache', referrerPolicy: 'no-referrer' });
  });

  test('prepared images are kept apart by the credentials they were read with', () => {
    const url = 'https://a.example/x.jpg';
    expect(sourceKey({ kind: 'url', url, page: page('https://a.example/') }))
      .not.toBe(sourceKey({ kind: 'url', url, page: page('https://b.example/') }));
    expect(sourceKey({ kind: 'url', url, page: page('https://b.example/') })).toBe(sourceKey({ kind: 'url', url }));
  });
});

describe('fetchImage', () => {
  let server: Server;
  let origin: string;
  const open = new Set<ServerResponse>();
  const log: string[] = [];
  const PNG = solidPng(80, 80);
  const limits: FetchLimits = { maxBytes: 2 * 1024 * 1024, stallMs: 1000, totalMs: 2000 };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      log.push(path);
      open.add(res);
      res.on('close', () => open.delete(res));
      const chunk = Buffer.alloc(8192, 1);
      switch (path) {
        case '/ok.png': return void res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
        case '/missing.png': return void res.writeHead(404).end();
        case '/redirect': return void res.writeHead(302, { location: '/ok.png' }).end();
        case '/to-data': return void res.writeHead(302, { location: `data:image/png;base64,${PNG.toString('base64')}` }).end();
        case '/declared-huge': // says 300 MB, sends slowly: refused from the header
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(300 * 1024 * 1024) });
          res.write(PNG.subarray(0, 100));
          return;
        case '/endless': { // no length, bytes without end
          res.writeHead(200, { 'content-type': 'image/png' });
          const pump = () => { while (!res.destroyed && res.write(chunk)); };
          res.on('drain', pump);
          pump();
          return;
        }
        case '/stall':
          res.writeHead(200, { 'content-type': 'image/png' });
          res.write(PNG.subarray(0, 100));
          return;
        case '/trickle': { // a byte now and then, within the stall limit, forever
          res.writeHead(200, { 'content-type': 'image/png' });
          const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(Buffer.from([0]))), 50);
          return;
        }
        default: res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of open) res.destroy();
    await new Promise((r) => server.close(r));
  });

  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e) => (e instanceof JobFailure ? [e.code, errorText(e)] : e));
  const sameHostPage = () => ({ frameUrl: `${origin}/page.html`, topUrl: `${origin}/page.html` });

  test('reads an image, and says where it came from', async () => {
    const { blob, facts } = await fetchImage({ kind: 'url', url: `${origin}/ok.png` }, limits);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array(PNG));
    expect(blob.type).toBe('image/png');
    expect(facts).toEqual({ kind: 'url', finalUrl: `${origin}/ok.png`, redirected: false });
  });

  test('a redirect met with cookies is asked again without them, following it', async () => {
    log.length = 0;
    const { facts } = await fetchImage({ kind: 'url', url: `${origin}/redirect`, page: sameHostPage() }, limits);
    expect(facts).toEqual({ kind: 'url', finalUrl: `${origin}/ok.png`, redirected: true });
    expect(log).toEqual(['/redirect', '/redirect', '/ok.png']);
  });

  test('HTTP errors keep their plain words', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/missing.png` }, limits))).toEqual(['not-found', 'Image not found (HTTP 404).']);
  });

  test('a redirect to a data: URL is refused as a redirect, not as a network failure', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/to-data` }, limits)))
      .toEqual(['blocked', expect.stringMatching(/redirects somewhere.*only http and https/)]);
  });

  test('a Content-Length over the cap is refused at once', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/declared-huge` }, limits)))
      .toEqual(['too-large', 'The image file is 300 MB; Backdrop reads files up to 2 MB.']);
  });

  test('a body without a length is counted while it streams and stopped past the cap', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/endless` }, limits)))
      .toEqual(['too-large', expect.stringMatching(/larger than/)]);
  });

  test('a stalled body times out with its own words', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/stall` }, limits)))
      .toEqual(['timeout', expect.stringMatching(/stopped sending it: nothing came for 1 s/)]);
  });

  test('a body that trickles without end meets the whole download\'s limit', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: `${origin}/trickle` }, { ...limits, maxBytes: 1e9 })))
      .toEqual(['timeout', expect.stringMatching(/took longer than 2 s to download/)]);
  });

  test('a server that is not there is a network failure', async () => {
    expect(await failure(fetchImage({ kind: 'url', url: 'http://127.0.0.1:1/x.png' }, limits)))
      .toEqual(['blocked', expect.stringMatching(/Could not download/)]);
  });
});
