/**
 * The style library in IndexedDB (through `idb`), shared by every extension page: the offscreen
 * document writes bottlenecks, the popup lists, renames, deletes, exports and imports.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { blobToDataUrl } from '../messaging/bytes';
import { checkRecordFields, type ExportedStyle, EXPORT_FORMAT, EXPORT_VERSION, type StyleRecord } from './record';

interface LibrarySchema extends DBSchema {
  styles: { key: string; value: StyleRecord; indexes: { lastUsedAt: number } };
}

export const DB_NAME = 'backdrop-library';
let dbp: Promise<IDBPDatabase<LibrarySchema>> | undefined;

export function db() {
  dbp ??= openDB<LibrarySchema>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('styles', { keyPath: 'id' }).createIndex('lastUsedAt', 'lastUsedAt');
    },
  });
  return dbp;
}

/** For tests: forget the open connection. */
export function resetConnection() {
  dbp = undefined;
}

export interface Listing {
  styles: StyleRecord[];
  /** Records that could not be read, skipped and reported (never a crash). */
  damaged: { id: string; problem: string }[];
}

const isBlobLike = (b: unknown) => typeof b === 'object' && b !== null && typeof (b as Blob).arrayBuffer === 'function' && typeof (b as Blob).size === 'number';
const isSound = (r: unknown): string | undefined =>
  checkRecordFields(r) ?? (isBlobLike((r as StyleRecord).thumbnail) ? undefined : 'thumbnail is missing');

export async function listStyles(): Promise<Listing> {
  const all = await (await db()).getAll('styles');
  const listing: Listing = { styles: [], damaged: [] };
  for (const r of all) {
    const problem = isSound(r);
    if (problem) listing.damaged.push({ id: String((r as { id?: unknown })?.id ?? '?'), problem });
    else listing.styles.push(r);
  }
  listing.styles.sort((a, b) => a.createdAt - b.createdAt);
  return listing;
}

export async function getStyle(id: string): Promise<StyleRecord | undefined> {
  const r = await (await db()).get('styles', id);
  return r && !isSound(r) ? r : undefined;
}

export async function putStyle(record: StyleRecord) {
  await (await db()).put('styles', record);
}

export async function deleteStyle(id: string) {
  await (await db()).delete('styles', id);
}

export async function renameStyle(id: string, name: string) {
  const d = await db();
  const tx = d.transaction('styles', 'readwrite');
  const r = await tx.store.get(id);
  if (r) await tx.store.put({ ...r, name: name.trim().slice(0, 200) || r.name });
  await tx.done;
}

export async function touchStyle(id: string, now = Date.now()) {
  const d = await db();
  const tx = d.transaction('styles', 'readwrite');
  const r = await tx.store.get(id);
  if (r) await tx.store.put({ ...r, lastUsedAt: now });
  await tx.done;
}

const dataUrlToBlob = async (u: string) => (await fetch(u)).blob();

/** The whole library as a JSON-able object (bottlenecks, thumbnails and images inline). */
export async function exportLibrary() {
  const { styles } = await listStyles();
  const out: ExportedStyle[] = [];
  for (const s of styles) {
    out.push({
      ...s,
      thumbnail: await blobToDataUrl(s.thumbnail),
      image: s.image ? await blobToDataUrl(s.image) : undefined,
    });
  }
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), styles: out };
}

/** Imports already-validated styles (see parseExport), merging by id: an imported record replaces one with its id. */
export async function importStyles(styles: ExportedStyle[]): Promise<number> {
  const records: StyleRecord[] = [];
  for (const s of styles) {
    records.push({ ...s, thumbnail: await dataUrlToBlob(s.thumbnail), image: s.image ? await dataUrlToBlob(s.image) : undefined });
  }
  const d = await db();
  const tx = d.transaction('styles', 'readwrite');
  await Promise.all(records.map((r) => tx.store.put(r)));
  await tx.done;
  return records.length;
}
