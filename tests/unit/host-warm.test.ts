/**
 * The offscreen host's warm-up gives way to a job: a job's message that comes while a step of the
 * warm-up blocks the thread (a model's load or trial run) is seen before the next trial run.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { serveModelFiles } from '../support/model-files';
import { InferenceHost } from '../../src/offscreen/host';
import { ModelSet } from '../../src/inference/models';
import type { Runtime } from '../../src/inference/runtime';
import { probe } from '../../src/test-hooks/probe';
import type { BackgroundToOffscreen } from '../../src/messaging/contract';
import type { StylizeOptions } from '../../src/messaging/protocol';

const options: StylizeOptions = {
  styleId: 'builtin:style0', mixRatio: 0.5, strength: 1, subject: [15], invert: false, transferModel: 'fp16', threads: 0,
};

// The segmentation model is the official file rewritten (deeplab-resize.ts): its bytes are fetched.
beforeAll(serveModelFiles);
afterAll(() => vi.unstubAllGlobals());

/** A host whose models only count their runs; `duringRun` is called inside each run. */
function hostWithCountingModels(duringRun: (name: string) => void) {
  const runs: string[] = [];
  const runtime: Runtime = {
    name: 'counting', accelerator: 'none', maxThreads: 2,
    async load(_url, { name }) {
      return { name, async run() { runs.push(name); duringRun(name); return [new Float32Array(1)]; }, delete() {} };
    },
  };
  const models = new ModelSet(runtime, '/models/', 0);
  const host = new (class extends InferenceHost {
    override async getModels() {
      return models;
    }
  })({ wasmDir: '/litert/', modelDir: '/models/', extensionUrl: (p) => p, log: () => {} });
  return { host, runs };
}

test('a job whose message arrives during the segmentation trial run takes the transfer\'s set-up over', async () => {
  let host!: InferenceHost;
  let job: Promise<unknown> | undefined;
  const made = hostWithCountingModels((name) => {
    if (!name.startsWith('segmentation')) return;
    // The job's message, queued as a task while the run holds the thread.
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      // (Not an image: the job fails once it runs, which does not matter here.)
      job = host.handle({ to: 'offscreen', type: 'stylize', jobId: 'j', source: { kind: 'data', dataUrl: 'data:text/plain,x' }, options } as BackgroundToOffscreen);
    };
    port2.postMessage(null);
  });
  host = made.host;
  const transferTrials = probe.warmUpRuns.transfer;
  await host.handle({ to: 'offscreen', type: 'warm', options });
  expect(made.runs).toEqual([expect.stringMatching(/^segmentation/)]);
  expect(probe.warmUpRuns.transfer).toBe(transferTrials); // no trial run of the transfer: the job does its set-up
  expect(await job).toMatchObject({ ok: false });
});
