/** The offscreen side of the result channel: which port gets a result, and in which form. */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { claimJob, deliver, listenForResultPorts, UNCLAIMED_PORT_MS } from '../../src/offscreen/delivery';
import { resultPortHello, resultPortName } from '../../src/messaging/result-channel';

/** A port as the browser hands it to onConnect: its sender is the browser's, its messages the content script's. */
function fakePort(jobId: string) {
  const messages: ((m: unknown) => void)[] = [];
  const disconnects: (() => void)[] = [];
  const posted: unknown[] = [];
  const port = {
    name: resultPortName(jobId),
    sender: { id: fakeBrowser.runtime.id, tab: { id: 7 }, frameId: 0, url: 'https://site.example/page.html', origin: 'https://site.example' },
    onMessage: { addListener: (f: (m: unknown) => void) => messages.push(f) },
    onDisconnect: { addListener: (f: () => void) => disconnects.push(f) },
    postMessage: (m: unknown) => posted.push(m),
    disconnected: false,
    disconnect: () => { port.disconnected = true; },
  };
  return {
    port, posted,
    say: (m: unknown) => messages.forEach((f) => f(m)),
    drop: () => disconnects.forEach((f) => f()),
  };
}

const FILE = new Blob([new Uint8Array([0x42, 0x4d, 1, 2, 3])], { type: 'image/bmp' });
const FACTS = { kind: 'url' as const, finalUrl: 'https://site.example/a.jpg', redirected: false };

/** The fake browser has no ports: onConnect is a plain event here, triggered by the tests. */
const connectListeners: ((port: unknown) => void)[] = [];
const connect = (port: unknown) => connectListeners.forEach((f) => f(port));

describe('deliver', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    connectListeners.length = 0;
    Object.assign(fakeBrowser.runtime, { onConnect: { addListener: (f: (port: unknown) => void) => connectListeners.push(f) } });
    listenForResultPorts();
  });

  test('a result ready before the content script’s hello waits for it, then goes as a file', async () => {
    const p = fakePort('job-1');
    connect(p.port);
    const sent = deliver('job-1', { tabId: 7, frameId: 0 }, FILE, FACTS);
    await new Promise((r) => setTimeout(r, 10));
    expect(p.posted).toEqual([]); // nothing goes before the hello says how
    p.say(resultPortHello());
    expect(await sent).toBe('sent');
    expect(p.posted).toEqual([{ kind: 'file', file: FILE, opaque: false }]);
  });

  test('a hello that lost its bytes (JSON messaging) gets base64 slices; another origin’s image is opaque', async () => {
    const p = fakePort('job-2');
    connect(p.port);
    p.say({ kind: 'hello', probe: { 0: 1 } });
    expect(await deliver('job-2', { tabId: 7, frameId: 0 }, FILE, { ...FACTS, finalUrl: 'https://cdn.example/a.jpg' })).toBe('sent');
    expect(p.posted.at(-1)).toEqual({ kind: 'end', mimeType: 'image/bmp', opaque: true });
    expect((p.posted[0] as { kind: string }).kind).toBe('slice');
  });

  test('a port that closes before its hello ends the wait at once; another frame never gets the result', async () => {
    const p = fakePort('job-3');
    connect(p.port);
    const sent = deliver('job-3', { tabId: 7, frameId: 0 }, FILE, FACTS);
    p.drop();
    // No port: the job is worth running again (src/offscreen/host.ts reports it as ENGINE_LOST).
    expect(await sent).toBe('no-port');

    const q = fakePort('job-4');
    connect(q.port);
    q.say(resultPortHello());
    expect(await deliver('job-4', { tabId: 7, frameId: 3 }, FILE, FACTS)).toBe('refused');
    expect(q.posted).toEqual([]);
  });

  describe('a port no job claims', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    test('is let go after a while, so the page stops waiting; a claimed one is kept', () => {
      const orphan = fakePort('never-sent');
      connect(orphan.port);
      orphan.say(resultPortHello());
      claimJob('sent');
      const kept = fakePort('sent');
      connect(kept.port);
      kept.say(resultPortHello());
      vi.advanceTimersByTime(UNCLAIMED_PORT_MS - 1);
      expect(orphan.port.disconnected).toBe(false);
      vi.advanceTimersByTime(1);
      expect(orphan.port.disconnected).toBe(true);
      expect(kept.port.disconnected).toBe(false);
    });
  });
});
