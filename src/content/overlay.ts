import { t } from '../i18n/t';

/**
 * The in-page state over an image: queued (a small corner label), working (a veil and a spinner),
 * error (plain words and a dismiss button), or a short note. It lives in a shadow root so page styles cannot reach it, and
 * sits over the image without touching the page's layout.
 */

export type OverlayState =
  | { kind: 'queued' }
  | { kind: 'working'; text?: string }
  | { kind: 'error'; text: string }
  | { kind: 'note'; text: string };

export const OVERLAY_ATTR = 'data-backdrop-overlay';

/**
 * The working state shows its veil and words at once; its spinner appears (and starts turning) only
 * when a job takes longer than this. A warm job is done before then, and animation frames are not
 * free: without a GPU, a turning spinner cost the page and the compositor ~50 ms of CPU a second
 * here, taken from the models while they run (the transfer ran 2–6 % slower beside one). An
 * animation still in its delay costs nothing.
 */
export const SPINNER_DELAY_MS = 700;

const CSS = `
:host { all: initial; position: absolute; z-index: 2147483646; pointer-events: none; }
.box { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  font: 13px/1.35 system-ui, sans-serif; color: #fff; box-sizing: border-box; }
.working { background: rgba(20, 16, 40, .35); }
.spinner { width: 22px; height: 22px; border-radius: 50%; border: 3px solid rgba(255,255,255,.35);
  border-top-color: #fff; margin-right: 8px; flex: none; opacity: 0;
  animation: spin .8s linear ${SPINNER_DELAY_MS}ms infinite, appear .2s ease ${SPINNER_DELAY_MS}ms forwards; }
@keyframes spin { to { transform: rotate(360deg); } }
@keyframes appear { to { opacity: 1; } }
.pill { background: rgba(20, 16, 40, .78); padding: 6px 10px; border-radius: 999px; display: flex; align-items: center; }
.error { align-items: flex-start; justify-content: flex-start; padding: 6px; }
.card { pointer-events: auto; background: #b3261e; color: #fff; border-radius: 8px; padding: 8px 10px;
  max-width: calc(100% - 12px); box-shadow: 0 2px 8px rgba(0,0,0,.35); display: flex; gap: 8px; align-items: flex-start; }
.card b { display: block; }
button { all: unset; cursor: pointer; font-weight: 600; padding: 0 4px; border-radius: 4px; }
button:focus-visible { outline: 2px solid #fff; }
.note { align-items: flex-end; justify-content: flex-end; padding: 6px; }
.queued { align-items: flex-start; justify-content: flex-end; padding: 6px; }
.queued .pill { font-size: 11px; padding: 2px 8px; opacity: .85; }
.note .pill { font-size: 12px; }
@media (prefers-reduced-motion: reduce) { .spinner { animation: appear .2s ease ${SPINNER_DELAY_MS}ms forwards; } }
`;

export class Overlay {
  readonly host: HTMLElement;
  private root: ShadowRoot;
  private ro?: ResizeObserver;
  private timer?: ReturnType<typeof setTimeout>;
  private onResize = () => this.place();

  constructor(private target: Element) {
    this.host = document.createElement('backdrop-overlay');
    this.host.setAttribute(OVERLAY_ATTR, '');
    this.root = this.host.attachShadow({ mode: 'open' });
    document.documentElement.append(this.host);
    this.place();
    this.ro = new ResizeObserver(this.onResize);
    this.ro.observe(target);
    addEventListener('resize', this.onResize, { passive: true });
  }

  place() {
    const r = this.target.getBoundingClientRect();
    Object.assign(this.host.style, {
      left: `${r.left + scrollX}px`, top: `${r.top + scrollY}px`, width: `${r.width}px`, height: `${r.height}px`,
    });
  }

  show(state: OverlayState) {
    clearTimeout(this.timer);
    this.host.dataset.state = state.kind;
    const style = `<style>${CSS}</style>`;
    if (state.kind === 'queued') {
      this.root.innerHTML = `${style}<div class="box queued"><div class="pill" role="status"></div></div>`;
      this.root.querySelector('.pill')!.textContent = t('overlayQueued');
    } else if (state.kind === 'working') {
      this.root.innerHTML = `${style}<div class="box working" role="status" aria-live="polite"><div class="pill"><div class="spinner"></div><span></span></div></div>`;
      this.root.querySelector('span')!.textContent = state.text ?? t('overlayWorking');
    } else if (state.kind === 'error') {
      this.root.innerHTML = `${style}<div class="box error"><div class="card" role="alert"><div><b></b><span></span></div><button type="button">✕</button></div></div>`;
      this.root.querySelector('b')!.textContent = t('extName');
      this.root.querySelector('span')!.textContent = state.text;
      const dismiss = this.root.querySelector('button')!;
      dismiss.setAttribute('aria-label', t('overlayDismiss'));
      dismiss.addEventListener('click', () => this.remove());
    } else {
      this.root.innerHTML = `${style}<div class="box note"><div class="pill" role="status"></div></div>`;
      this.root.querySelector('.pill')!.textContent = state.text;
      this.timer = setTimeout(() => this.remove(), 6000);
    }
    this.place();
  }

  get state() {
    return this.host.dataset.state;
  }

  remove() {
    clearTimeout(this.timer);
    this.ro?.disconnect();
    removeEventListener('resize', this.onResize);
    this.host.remove();
    overlays.delete(this.target);
  }
}

const overlays = new Map<Element, Overlay>();

/** The one overlay of an element, created on demand. */
export function overlayFor(target: Element): Overlay {
  let o = overlays.get(target);
  if (!o || !o.host.isConnected) {
    o = new Overlay(target);
    overlays.set(target, o);
  }
  return o;
}

export function clearOverlay(target: Element) {
  overlays.get(target)?.remove();
}
