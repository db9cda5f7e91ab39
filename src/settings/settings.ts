/** User settings, persisted in storage.local by the background and the popup. */
import { storage } from 'wxt/utils/storage';
import { DEFAULT_STYLE_ID } from '../styles/builtins';

export interface Settings {
  styleId: string;
  /** fp16 transfer is the default; int8 is the second choice. */
  transferModel: 'fp16' | 'int8';
  /** 0 = auto (decided from the cores), else the threads per heavy model. */
  threads: number;
}

export const DEFAULT_SETTINGS: Settings = { styleId: DEFAULT_STYLE_ID, transferModel: 'fp16', threads: 0 };

export const settingsItem = storage.defineItem<Settings>('local:settings', { fallback: DEFAULT_SETTINGS });

export async function getSettings(): Promise<Settings> {
  return { ...DEFAULT_SETTINGS, ...(await settingsItem.getValue()) };
}

export async function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await getSettings()), ...patch };
  await settingsItem.setValue(next);
  return next;
}
