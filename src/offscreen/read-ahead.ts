/**
 * Reading a right-clicked image ahead: while the context menu is open, the image is fetched,
 * decoded and made into the models' inputs (and, with the engine up, segmented: see
 * InferenceHost.startReadAhead), so the job that may follow starts at its transfer. One image at a
 * time; it is dropped (its bitmap closed) when another is read, when it is not taken within
 * READ_AHEAD_TTL_MS, or when it fails (the job then reads the image itself, and reports what went
 * wrong).
 */
import type { Loaded } from '../inference/pipeline';
import { probe } from '../test-hooks/probe';

export const READ_AHEAD_TTL_MS = 30_000;

interface Entry {
  key: string;
  /** How it was read (the credentials mode): a job whose page would read it otherwise does not take it. */
  variant: string;
  loaded: Promise<Loaded>;
  /** What was read, once it is. */
  value?: Loaded;
  timer: ReturnType<typeof setTimeout>;
  /** How long the reading took (ms), once it is done. */
  ms?: number;
}

export class ReadAhead {
  private entry?: Entry;

  constructor(private ttlMs = READ_AHEAD_TTL_MS) {}

  /** Starts reading `key` with `read`, unless it is being read already; the reading either way. */
  start(key: string, read: () => Promise<Loaded>, variant = ''): Promise<Loaded> {
    if (this.matches(key, variant)) return this.entry!.loaded;
    this.drop();
    if (import.meta.env.MODE === 'test') probe.readAheadLast = key;
    const t0 = performance.now();
    const entry: Entry = { key, variant, loaded: read(), timer: setTimeout(() => this.entry === entry && this.drop(), this.ttlMs) };
    this.entry = entry;
    entry.loaded.then(
      (value) => {
        entry.value = value;
        entry.ms = performance.now() - t0;
        if (import.meta.env.MODE === 'test') probe.readAheadMs = entry.ms;
      },
      () => { if (this.entry === entry) this.drop(); },
    );
    return entry.loaded;
  }

  /** Whether `loaded` is what is kept now for `key` (not taken by a job, not dropped). */
  holds(key: string, loaded: Loaded, variant = ''): boolean {
    return this.matches(key, variant) && this.entry!.value === loaded;
  }

  /** Whether `key`, read as `variant`, is being read or kept now. */
  matches(key: string, variant = ''): boolean {
    return this.entry?.key === key && this.entry.variant === variant;
  }

  /** Hands over the reading of `key` if there is one: from then on the caller owns its bitmap. */
  take(key: string, variant = ''): Promise<Loaded> | undefined {
    if (!this.matches(key, variant)) return undefined;
    const { loaded, timer } = this.entry!;
    clearTimeout(timer);
    this.entry = undefined;
    return loaded;
  }

  /** The image being read or kept now, if any, how long its reading took once it is done, and whether it is segmented. */
  get pending(): { key: string; ms?: number; segmented: boolean } | undefined {
    return this.entry && { key: this.entry.key, ms: this.entry.ms, segmented: this.entry.value?.logits !== undefined };
  }

  private drop() {
    const entry = this.entry;
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entry = undefined;
    entry.loaded.then((l) => l.bitmap.close(), () => {});
  }
}
