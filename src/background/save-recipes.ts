/**
 * How each job of this session painted (its original's URL and page context, and its options),
 * kept in `storage.session` so that "Save stylized image" can have the offscreen document paint a
 * result again after that document let the result's layers go: it closes after five minutes
 * without work, and a person often saves later than that. Only the extension's own pages can read
 * `storage.session` (not content scripts), and the browser empties it when it closes.
 */
import { browser } from 'wxt/browser';
import type { ImageSource, SaveRecipe, StylizeOptions } from '../messaging/protocol';
import type { TabTarget } from './send';

const KEY = 'saveRecipes';
/** The most recent jobs kept (a recipe is a few hundred bytes; its URL at most 8 KB). */
export const MAX_RECIPES = 64;

interface Entry extends TabTarget {
  recipe: SaveRecipe;
}
type Recipes = Record<string, Entry>;

/** The recipe of a job that painted `options` from `source` (a page-local source is not kept: the page hands it over again). */
export const recipeOf = (source: ImageSource, options: StylizeOptions): SaveRecipe =>
  (source.kind === 'url' ? { source, options } : { options });

/** The newest `max` entries of `recipes` with `jobId`'s added last (insertion order is age). */
export function withRecipe(recipes: Recipes, jobId: string, entry: Entry, max = MAX_RECIPES): Recipes {
  const { [jobId]: _old, ...rest } = recipes;
  const ids = Object.keys(rest);
  const kept = ids.slice(Math.max(0, ids.length - (max - 1)));
  return { ...Object.fromEntries(kept.map((id) => [id, rest[id]])), [jobId]: entry };
}

/** Writes are read-modify-write of one key: one at a time (a batch finishes two jobs at once). */
let writes: Promise<unknown> = Promise.resolve();

/** Remembers how job `jobId`, shown in `target`, painted. */
export function rememberRecipe(jobId: string, target: TabTarget, recipe: SaveRecipe): Promise<void> {
  const write = writes.then(async () => {
    const recipes = ((await browser.storage.session.get(KEY))[KEY] ?? {}) as Recipes;
    await browser.storage.session.set({ [KEY]: withRecipe(recipes, jobId, { tabId: target.tabId, frameId: target.frameId, recipe }) });
  });
  writes = write.catch(() => {});
  return write.catch(() => {}); // a recipe lost costs a save at the shown size, never the job
}

/** How job `jobId` painted, when it was shown in the very tab and frame `target`. */
export async function recipeFor(jobId: string, target: TabTarget): Promise<SaveRecipe | undefined> {
  await writes;
  const recipes = ((await browser.storage.session.get(KEY).catch(() => ({})) as Record<string, unknown>)[KEY] ?? {}) as Recipes;
  const entry = Object.hasOwn(recipes, jobId) ? recipes[jobId] : undefined;
  return entry && entry.tabId === target.tabId && entry.frameId === target.frameId ? entry.recipe : undefined;
}
