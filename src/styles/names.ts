import { getStyle } from '../library/store';
import { t } from '../i18n/t';
import { builtinStyle } from './builtins';

/** A style's display name: built-ins by their number, the user's from the library (the service worker's: it uses i18n). */
export async function styleName(styleId: string): Promise<string> {
  return builtinStyle(styleId)?.name ?? (await getStyle(styleId).catch(() => undefined))?.name ?? t('styleNameCustom');
}
