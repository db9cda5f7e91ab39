/** The style library's record shape, its validation, and the bottleneck maths. Pure: no storage here. */
import { BOTTLENECK } from '../inference/models';
import { isObject } from '../messaging/guards';
import { t } from '../i18n/t';

export type StyleOrigin =
  | { kind: 'builtin'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; fileName: string };

export interface StyleRecord {
  id: string;
  name: string;
  origin: StyleOrigin;
  /** A small preview for the popup grid. */
  thumbnail: Blob;
  /** The style image itself (downscaled), so a bottleneck can be recomputed without the network. */
  image?: Blob;
  /** The prediction model's 100-float output. */
  bottleneck: number[];
  /** sha256 of the prediction model that produced `bottleneck`. */
  modelSha256: string;
  createdAt: number;
  lastUsedAt: number;
}


export function isBottleneck(v: unknown): v is number[] {
  return Array.isArray(v) && v.length === BOTTLENECK && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

export function checkOrigin(v: unknown): string | undefined {
  if (!isObject(v)) return 'origin is missing';
  if (v.kind === 'builtin') return typeof v.path === 'string' ? undefined : 'origin.path is missing';
  if (v.kind === 'url') return typeof v.url === 'string' && /^(https?|data):/.test(v.url) ? undefined : 'origin.url is not an http(s) URL';
  if (v.kind === 'file') return typeof v.fileName === 'string' ? undefined : 'origin.fileName is missing';
  return `origin.kind "${String(v.kind)}" is unknown`;
}

/** What is wrong with a record's fields (not its blobs), or undefined when it is sound. */
export function checkRecordFields(v: unknown): string | undefined {
  if (!isObject(v)) return 'not an object';
  if (typeof v.id !== 'string' || !v.id || v.id.length > 200) return 'id is missing';
  if (typeof v.name !== 'string' || v.name.length > 200) return 'name is missing';
  const origin = checkOrigin(v.origin);
  if (origin) return origin;
  if (!isBottleneck(v.bottleneck)) return `bottleneck is not ${BOTTLENECK} finite numbers`;
  if (typeof v.modelSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.modelSha256)) return 'modelSha256 is not a sha256';
  if (typeof v.createdAt !== 'number' || typeof v.lastUsedAt !== 'number') return 'timestamps are missing';
  return undefined;
}

/** A record's bottleneck when it was made by the installed prediction model; never a stale one. */
export function reusableBottleneck(rec: Pick<StyleRecord, 'bottleneck' | 'modelSha256'> | undefined, installedSha256: string): Float32Array | undefined {
  return rec && rec.modelSha256 === installedSha256 && isBottleneck(rec.bottleneck) ? Float32Array.from(rec.bottleneck) : undefined;
}

export const EXPORT_FORMAT = 'backdrop-style-library';
export const EXPORT_VERSION = 1;

export interface ExportedStyle extends Omit<StyleRecord, 'thumbnail' | 'image'> {
  thumbnail: string; // data: URL
  image?: string; // data: URL
}

/**
 * Validates a whole import file: every problem is named and nothing is imported unless all is sound.
 * The popup's (it has i18n): the engine, which imports this file too, never calls it. A record's
 * field problem (`checkRecordFields`, which the engine does call) is a technical note, quoted as it is.
 */
export function parseExport(v: unknown): { ok: true; styles: ExportedStyle[] } | { ok: false; error: string } {
  if (!isObject(v)) return { ok: false, error: t('libraryNotObject') };
  if (v.format !== EXPORT_FORMAT) return { ok: false, error: t('libraryWrongFormat', String(JSON.stringify(v.format)).slice(0, 100)) };
  if (v.version !== EXPORT_VERSION) return { ok: false, error: t('libraryWrongVersion', String(JSON.stringify(v.version)).slice(0, 100)) };
  if (!Array.isArray(v.styles)) return { ok: false, error: t('libraryNoStyles') };
  const ids = new Set<string>();
  for (const [i, s] of v.styles.entries()) {
    const problem = checkRecordFields(s);
    if (problem) return { ok: false, error: t('libraryStyleProblem', i + 1, problem) };
    const rec = s as Record<string, unknown>;
    if (typeof rec.thumbnail !== 'string' || !rec.thumbnail.startsWith('data:image/')) return { ok: false, error: t('libraryBadThumbnail', i + 1) };
    if (rec.image !== undefined && (typeof rec.image !== 'string' || !rec.image.startsWith('data:image/'))) return { ok: false, error: t('libraryBadImage', i + 1) };
    if (ids.has(rec.id as string)) return { ok: false, error: t('libraryDuplicateId', i + 1, rec.id as string) };
    ids.add(rec.id as string);
  }
  return { ok: true, styles: v.styles as ExportedStyle[] };
}
