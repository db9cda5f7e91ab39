/** The page renderer's heap, read through a DevTools heap snapshot (which collects garbage first). */
import type { Page } from 'puppeteer-core';

/** Image elements alive in the page's renderer, in its document or not, counted by their image loaders. */
export async function liveImageElements(page: Page): Promise<number> {
  const cdp = await page.createCDPSession();
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  const snap = JSON.parse(chunks.join(''));
  const fields: string[] = snap.snapshot.meta.node_fields;
  const name = fields.indexOf('name');
  let n = 0;
  for (let i = name; i < snap.nodes.length; i += fields.length) if (snap.strings[snap.nodes[i]] === 'blink::HTMLImageLoader') n++;
  return n;
}
