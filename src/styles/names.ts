import { getStyle } from '../library/store';
import { builtinStyle } from './builtins';

/** A style's display name: built-ins by their number, the user's from the library. */
export async function styleName(styleId: string): Promise<string> {
  return builtinStyle(styleId)?.name ?? (await getStyle(styleId).catch(() => undefined))?.name ?? 'Custom style';
}
