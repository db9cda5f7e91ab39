/**
 * Firefox suspends an event page that has had no event for 30 seconds, and the engine frame lives in
 * that page (src/background/offscreen.ts): the models, seconds to load, would go after every pause a
 * person makes between two images. Chrome keeps its offscreen document until the engine says it is
 * idle (five minutes without a job). For the same lifetime in Firefox, the engine sends the
 * background a message more often than Firefox's timeout for as long as it lives; it stops when the
 * background closes the frame on the engine's idle message.
 */
export const AWAKE_EVERY_MS = 20_000;

export interface KeepAwake {
  /** Another period (the Firefox e2e test shortens it along with Firefox's timeout). */
  every(ms: number): void;
  stop(): void;
}

export function keepBackgroundAwake(send: () => Promise<unknown>, everyMs = AWAKE_EVERY_MS): KeepAwake {
  let timer: ReturnType<typeof setInterval> | undefined;
  const every = (ms: number) => {
    clearInterval(timer);
    timer = setInterval(() => void send().catch(() => {}), ms);
  };
  every(everyMs);
  return { every, stop: () => clearInterval(timer) };
}
