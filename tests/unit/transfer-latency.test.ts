/**
 * The popup's "measured on this machine": the background records each result's transfer run per
 * variant (src/background/send.ts → src/settings/latency.ts), a first run (set-up included) never
 * hiding a warm one.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { sendToOffscreen } from '../../src/background/send';
import { recordTransferRun, transferLatencyItem } from '../../src/settings/latency';
import type { StylizeOptions } from '../../src/messaging/protocol';

const options: StylizeOptions = { styleId: 'builtin:style0', mixRatio: 0.5, strength: 1, subject: [15], invert: false, transferModel: 'int8', detail: 'high', threads: 0 };

beforeEach(() => {
  fakeBrowser.reset();
});

describe('transfer latency', () => {
  it('is not measured before any result', async () => {
    expect(await transferLatencyItem.getValue()).toEqual({});
  });

  it('keeps the last run per variant, and a first run only until a warm one is known', async () => {
    await recordTransferRun({ model: 'fp16', ms: 2400, warm: false }, 'standard');
    expect(await transferLatencyItem.getValue()).toEqual({ fp16: { ms: 2400, detail: 'standard', warm: false } });
    await recordTransferRun({ model: 'fp16', ms: 310, warm: true }, 'standard');
    await recordTransferRun({ model: 'fp16', ms: 1900, warm: false }, 'high');
    await recordTransferRun({ model: 'int8', ms: 250, warm: true }, 'standard');
    expect(await transferLatencyItem.getValue()).toEqual({
      fp16: { ms: 310, detail: 'standard', warm: true },
      int8: { ms: 250, detail: 'standard', warm: true },
    });
    await recordTransferRun({ model: 'fp16', ms: 900, warm: true }, 'high');
    expect((await transferLatencyItem.getValue()).fp16).toEqual({ ms: 900, detail: 'high', warm: true });
  });

  it('is recorded from a stylize result as the background receives it, under the variant that ran', async () => {
    const result = { width: 10, height: 10, timings: { transfer: 400 }, transfer: { model: 'int8' as const, ms: 321, warm: true } };
    vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValue({ ok: true, result } as never);
    const reply = await sendToOffscreen({ to: 'offscreen', type: 'stylize', jobId: 'j', source: { kind: 'url', url: 'https://a.example/x.jpg' }, options });
    expect(reply.ok).toBe(true);
    await vi.waitFor(async () => expect((await transferLatencyItem.getValue()).int8).toEqual({ ms: 321, detail: 'high', warm: true }));
  });

  it('a failed job records nothing', async () => {
    vi.spyOn(browser.runtime, 'sendMessage').mockResolvedValue({ ok: false, error: { code: 'internal', message: 'x' } } as never);
    await sendToOffscreen({ to: 'offscreen', type: 'stylize', jobId: 'j', source: { kind: 'url', url: 'https://a.example/x.jpg' }, options });
    await recordTransferRun({ model: 'fp16', ms: 1, warm: true }); // queued after anything the send recorded
    expect(Object.keys(await transferLatencyItem.getValue())).toEqual(['fp16']);
  });
});
