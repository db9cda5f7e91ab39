/** The 26 built-in styles of the official TFLite style-transfer sample, provisioned into public/styles. */
export const BUILTIN_STYLE_COUNT = 26;

export interface BuiltinStyle {
  id: string;
  /** 1…26: a built-in style's name is its number, in the person's language (`builtinStyleName`, ./names.ts). */
  number: number;
  /** Extension-relative path of the style image. */
  path: string;
}

export const BUILTIN_STYLES: readonly BuiltinStyle[] = Array.from({ length: BUILTIN_STYLE_COUNT }, (_, i) => ({
  id: `builtin:style${i}`,
  number: i + 1,
  path: `/styles/style${i}.jpg`,
}));

export const DEFAULT_STYLE_ID = 'builtin:style19';

export const builtinStyle = (id: string) => BUILTIN_STYLES.find((s) => s.id === id);
