/**
 * content script → view frame: a result the page must not read, and how to lay it out.
 *
 * The view frame (entrypoints/view, an extension page) is embedded over the image it replaces. It
 * is of the extension's origin, so the page can neither read its pixels nor fetch its blob: URL,
 * which is what keeps a result of an image the page could not read as opaque to it as the original
 * (src/content/view.ts). The message goes to the frame's window with the extension's origin as its
 * target, and carries a MessagePort for the frame's answer, so the page sees neither.
 */
import { isObject } from './guards';

/** How the result fills the frame: as the <img> drew its picture, or as the element's CSS background. */
export type ViewLayout =
  | { kind: 'img'; objectFit: string; objectPosition: string }
  | {
    kind: 'background';
    size: string;
    position: string;
    repeat: string;
    /** The background positioning area inside the frame (which covers the padding box), in CSS px. */
    inset: { top: number; right: number; bottom: number; left: number };
  };

export interface ViewMessage {
  type: 'backdrop-view';
  file: Blob;
  layout: ViewLayout;
}

/** view frame → content script, over the message's port. */
export type ViewReply = { ok: true } | { ok: false; message: string };

const isString = (v: unknown): v is string => typeof v === 'string' && v.length <= 200;
const isPx = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e5;

/** A CSS value copied from a computed style: plain tokens only (no url(), no functions that load anything). */
const isPlainCss = (v: unknown): v is string => isString(v) && /^[\w\s.%,+-]*$/.test(v);

/**
 * Validates what the frame received. Anyone who can reach the frame's window (the page too) can post
 * to it; the frame only ever displays what it is given, so a forged message can show the page's own
 * pixels at most, never read ours.
 */
export function parseViewMessage(v: unknown): ViewMessage | undefined {
  if (!isObject(v) || v.type !== 'backdrop-view' || !(v.file instanceof Blob) || !/^image\/[\w.+-]+$/.test(v.file.type)) return undefined;
  const l = v.layout;
  if (!isObject(l)) return undefined;
  if (l.kind === 'img' && isPlainCss(l.objectFit) && isPlainCss(l.objectPosition)) {
    return { type: 'backdrop-view', file: v.file, layout: { kind: 'img', objectFit: l.objectFit, objectPosition: l.objectPosition } };
  }
  if (l.kind === 'background' && isPlainCss(l.size) && isPlainCss(l.position) && isPlainCss(l.repeat) && isObject(l.inset)
    && isPx(l.inset.top) && isPx(l.inset.right) && isPx(l.inset.bottom) && isPx(l.inset.left)) {
    const { top, right, bottom, left } = l.inset;
    return {
      type: 'backdrop-view', file: v.file,
      layout: { kind: 'background', size: l.size, position: l.position, repeat: l.repeat, inset: { top, right, bottom, left } },
    };
  }
  return undefined;
}
