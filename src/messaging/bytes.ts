/** Bytes as text and back, for messages and files: the same code in every context (no FileReader needed). */

/** Bytes → base64, natively where the browser has Uint8Array.prototype.toBase64. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 → bytes, natively where the browser has Uint8Array.fromBase64. */
export function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native) return native(data);
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A Blob as a data: URL (its own type, PNG when it has none). */
export const blobToDataUrl = async (b: Blob) => `data:${b.type || 'image/png'};base64,${toBase64(new Uint8Array(await b.arrayBuffer()))}`;
