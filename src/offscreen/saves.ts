/**
 * What the offscreen document keeps so "Save stylized image" can render a result again at the
 * original's own size (src/inference/save.ts): for each job delivered lately, its layers (the
 * painted background and the refined keep-mask, a few megabytes at most) and how its original was
 * read (the URL and the page context that decided its credentials), for the tab and frame it went to.
 * And the saved files, held under a blob: URL until the service worker has downloaded them.
 */
import type { ImageSource } from '../messaging/protocol';
import type { DeliverTo } from '../messaging/result-channel';
import type { Layers } from '../inference/pipeline';

export interface SaveRecord {
  /** Where the result went: only a save asked for that tab and frame may use it. */
  to: DeliverTo;
  /**
   * The original as the job read it. Absent for bytes the page handed over (data:, blob:): those
   * are not kept here (up to 64 MB each); the page hands them over again when it saves.
   */
  source?: Extract<ImageSource, { kind: 'url' }>;
  layers: Layers;
}

/**
 * The last few jobs' records, by job id (least recently used out first). Sixteen: a result's layers
 * are ~1 MB at Standard detail and ~4 MB at Full, so at most ~64 MB; a batch of more images than
 * that saves its older ones by painting them again (the service worker's recipe).
 */
export class SaveRecords {
  private map = new Map<string, SaveRecord>();
  constructor(private capacity = 16) {}

  set(jobId: string, record: SaveRecord) {
    this.map.delete(jobId);
    this.map.set(jobId, record);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  /** The record of `jobId`, when it went to the very tab and frame `from`. */
  get(jobId: string, from: DeliverTo): SaveRecord | undefined {
    const r = this.map.get(jobId);
    if (!r || r.to.tabId !== from.tabId || r.to.frameId !== from.frameId) return undefined;
    this.map.delete(jobId);
    this.map.set(jobId, r);
    return r;
  }

  get size() {
    return this.map.size;
  }
}

/**
 * Saved files waiting for their download: a blob: URL each, revoked when the service worker says the
 * download ended, or after `ttlMs` whatever happens (a worker stopped meanwhile never says).
 */
export class SavedFiles {
  private urls = new Map<string, ReturnType<typeof setTimeout>>();
  constructor(private ttlMs = 5 * 60_000) {}

  hold(file: Blob): string {
    const url = URL.createObjectURL(file);
    this.urls.set(url, setTimeout(() => this.release(url), this.ttlMs));
    return url;
  }

  release(url: string) {
    const timer = this.urls.get(url);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.urls.delete(url);
    URL.revokeObjectURL(url);
  }

  get size() {
    return this.urls.size;
  }
}
