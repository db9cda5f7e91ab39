/** A tiny static server on 127.0.0.1 for test pages, fixtures and deliberately broken images. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FIXTURES, ROOT, SHARED } from './paths';

const STYLES = join(SHARED, 'styles');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png',
  '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.gif': 'image/gif',
};

/** A 1×1 opaque PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface TestServer {
  origin: string;
  close(): Promise<void>;
  /** Count of requests per path, to see what was fetched. */
  hits: Map<string, number>;
  /** Every request in order: its path and the headers that say who asked and with what (cookie, fetch metadata). */
  requests: LoggedRequest[];
}

export interface LoggedRequest {
  path: string;
  cookie?: string;
  /** `sec-fetch-dest`: `image` for a page's <img>, `empty` for a fetch (the extension's). */
  dest?: string;
  mode?: string;
  site?: string;
}

/**
 * A route that answers by itself (status, headers, a body streamed at its own pace); true when it
 * answered. For the deliberately hostile answers: endless, stalled, huge, redirects.
 */
export type RawRoute = (path: string, req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export type Route = (path: string) => Promise<{ type: string; body: Buffer | string; status?: number; headers?: Record<string, string> } | undefined>;

export async function startServer(pagesDir = join(ROOT, 'tests/e2e/pages'), extra?: Route, raw?: RawRoute): Promise<TestServer> {
  const hits = new Map<string, number>();
  const requests: LoggedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const h = req.headers;
    requests.push({
      path, cookie: h.cookie, dest: h['sec-fetch-dest'] as string | undefined, mode: h['sec-fetch-mode'] as string | undefined,
      site: h['sec-fetch-site'] as string | undefined,
    });
    if (raw && await raw(path, req, res)) return;
    // CORS only when asked (?cors=1): the extension must read cross-origin images through its host access.
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (url.searchParams.has('cors')) headers['access-control-allow-origin'] = '*';
    try {
      const custom = await extra?.(path);
      if (custom) {
        res.writeHead(custom.status ?? 200, { ...headers, ...custom.headers, 'content-type': custom.type }).end(custom.body);
        return;
      }
      if (path === '/broken/missing.jpg') return void res.writeHead(404, headers).end('not found');
      if (path === '/broken/text.jpg') return void res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' }).end('this is plain text, not a JPEG\n'.repeat(20));
      if (path === '/broken/tiny.png') return void res.writeHead(200, { ...headers, 'content-type': 'image/png' }).end(TINY_PNG);
      if (path.startsWith('/broken/truncated-')) {
        const file = await readFile(join(FIXTURES, path.slice('/broken/truncated-'.length)));
        return void res.writeHead(200, { ...headers, 'content-type': 'image/jpeg' }).end(file.subarray(0, 600));
      }
      const [base, prefix] = path.startsWith('/fixtures/') ? [FIXTURES, '/fixtures/'] : path.startsWith('/styles/') ? [STYLES, '/styles/'] : [pagesDir, '/'];
      const rel = normalize('/' + path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, '');
      const body = await readFile(join(base, rel === '/' ? 'index.html' : rel));
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
