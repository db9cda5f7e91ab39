import { getStyle } from '../library/store';
import { t } from '../i18n/t';
import { builtinStyle, type BuiltinStyle } from './builtins';

/** A built-in style's name ("Style 20"); not in the engine, which has no i18n in Chrome. */
export const builtinStyleName = (style: Pick<BuiltinStyle, 'number'>) => t('styleBuiltinName', style.number);

/** A style's display name: built-ins by their number, the user's from the library (the service worker's: it uses i18n). */
export async function styleName(styleId: string): Promise<string> {
  const builtin = builtinStyle(styleId);
  if (builtin) return builtinStyleName(builtin);
  return (await getStyle(styleId).catch(() => undefined))?.name ?? t('styleNameCustom');
}
