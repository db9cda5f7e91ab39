/** The 26 built-in styles of the official TFLite style-transfer sample, provisioned into public/styles. */
export const BUILTIN_STYLE_COUNT = 26;

export interface BuiltinStyle {
  id: string;
  name: string;
  /** Extension-relative path of the style image. */
  path: string;
}

export const BUILTIN_STYLES: readonly BuiltinStyle[] = Array.from({ length: BUILTIN_STYLE_COUNT }, (_, i) => ({
  id: `builtin:style${i}`,
  name: `Style ${i + 1}`,
  path: `/styles/style${i}.jpg`,
}));

export const DEFAULT_STYLE_ID = 'builtin:style19';

export const builtinStyle = (id: string) => BUILTIN_STYLES.find((s) => s.id === id);
