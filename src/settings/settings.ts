/** User settings, persisted in storage.local; read by the background, changed by the popup. */
import { storage } from 'wxt/utils/storage';
import { ALL_OBJECTS, PERSON } from '../inference/mask';
import { DEFAULT_STYLE_ID } from '../styles/builtins';

/** 'clicked': the object under the right-click (every object in a batch, which has no click). */
export type SubjectChoice = 'all' | 'people' | 'custom' | 'clicked';

export interface Settings {
  styleId: string;
  /** 0…1: b = s·b_style + (1−s)·b_content. */
  strength: number;
  /** An optional second style mixed in; ratio = the first style's share. */
  mixStyleId?: string;
  mixRatio: number;
  subject: SubjectChoice;
  /** The classes kept when subject = 'custom'. */
  customClasses: number[];
  invert: boolean;
  /** Most recently used styles, newest first (the context menu's submenu). */
  recentStyleIds: string[];
  /** fp16 transfer is the default; int8 is the second choice. */
  transferModel: 'fp16' | 'int8';
  /** How finely the background is painted: the transfer model's size (Standard costs what 384² did). */
  detail: 'standard' | 'high' | 'full';
  /** 0 = auto (decided from the cores), else the threads per heavy model. */
  threads: number;
}

export const DEFAULT_SETTINGS: Settings = {
  styleId: DEFAULT_STYLE_ID,
  strength: 1,
  mixRatio: 0.5,
  subject: 'all',
  customClasses: [PERSON],
  invert: false,
  recentStyleIds: [],
  transferModel: 'fp16',
  detail: 'standard',
  threads: 0,
};

export const settingsItem = storage.defineItem<Settings>('local:settings', { fallback: DEFAULT_SETTINGS });

export async function getSettings(): Promise<Settings> {
  return { ...DEFAULT_SETTINGS, ...(await settingsItem.getValue()) };
}

export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await getSettings()), ...patch };
  await settingsItem.setValue(next);
  return next;
}

export function subjectClasses(s: Pick<Settings, 'subject' | 'customClasses'>): number[] {
  if (s.subject === 'people') return [PERSON];
  if (s.subject === 'custom') return s.customClasses.filter((c) => Number.isInteger(c) && c > 0 && c < 21);
  return [...ALL_OBJECTS];
}

/** Puts a style first in the recent list (five at most). */
export const withRecent = (recent: string[], id: string, max = 5) => [id, ...recent.filter((r) => r !== id)].slice(0, max);
