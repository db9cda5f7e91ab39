/**
 * Letting go of results a few megabytes per garbage collection.
 *
 * Chromium frees a dead image's encoded bytes inside the page's garbage-collection pause (in cppgc's
 * weak callbacks, which first read back what Chromium had parked on disk), from `blob:` or http
 * alike: 2–4.5 ms per MB here, varying between runs of the same loop, so a result at the 1600² cap
 * (7.7 MB, lossless) costs the page 22–41 ms when it dies (26–57 ms at 2048², the cap before; see
 * MAX_PIXELS). Results let go between two collections die
 * together, in one pause: in the benchmark's trace, several 2048² results made pauses of 185–221 ms;
 * a plain page swapping such images shows the same, with no extension code involved. JPEG photos
 * pay it too, but they are ten times smaller.
 *
 * So a result Backdrop stops showing (restyled, restored) stays held by the detached <img> that
 * loaded it, and the held results go in order, DIE_BUDGET_BYTES' worth per collection (always at
 * least one): the next ones only once the garbage collector has taken those before. The price is
 * memory: held results live over more collections than they would have. Past MAX_HELD_BYTES the
 * oldest go at once, so a page that seldom collects cannot pile them up without end.
 */

/** The part of a FinalizationRegistry the queue uses (tests give a fake one). */
export type Registry = Pick<FinalizationRegistry<number>, 'register'>;

/** Releases objects in order, at most `budgetBytes` of them (or one) dying per collection. */
export class PacedRelease {
  private readonly held: { item: object; bytes: number }[] = [];
  private heldBytes = 0;
  /** Bytes let go whose collection has not been reported yet. */
  private dyingBytes = 0;
  private dying = 0;
  private readonly registry: Registry;

  constructor(
    private readonly budgetBytes: number,
    private readonly maxHeldBytes: number,
    makeRegistry: (collected: (bytes: number) => void) => Registry = (collected) => new FinalizationRegistry(collected),
  ) {
    this.registry = makeRegistry((bytes) => {
      this.dying--;
      this.dyingBytes -= bytes;
      this.next();
    });
  }

  /** Takes `item` over; it is let go in its turn. */
  release(item: object, bytes: number): void {
    this.held.push({ item, bytes });
    this.heldBytes += bytes;
    this.next();
  }

  /** How many objects are still held. */
  get holding(): number {
    return this.held.length;
  }

  private next() {
    while (this.held.length) {
      const { item, bytes } = this.held[0];
      const fits = this.dying === 0 || this.dyingBytes + bytes <= this.budgetBytes;
      if (!fits && this.heldBytes <= this.maxHeldBytes) return;
      this.held.shift();
      this.heldBytes -= bytes;
      this.dyingBytes += bytes;
      this.dying++;
      this.registry.register(item, bytes);
    }
  }
}

/**
 * 4 MiB per collection: a result at 1280×960 (3.7 MB) or larger goes alone, smaller ones a few at a
 * time. The cost per MB varied here from 2 to 4.5 ms between runs of the same loop, so 4 MiB stays
 * under 20 ms; one result at the 1600² cap alone takes 22–41 ms.
 */
export const DIE_BUDGET_BYTES = 4 << 20;
/** 256 MiB: thirty-four results at 1600², or a gallery of 72 at 1280×960. */
export const MAX_HELD_BYTES = 256 << 20;

const results = new PacedRelease(DIE_BUDGET_BYTES, MAX_HELD_BYTES);

/** Lets go of a result no longer shown: `holder` is the detached <img> that loaded it, `bytes` its file's size. */
export const releaseResult = (holder: HTMLImageElement, bytes: number) => results.release(holder, bytes);
