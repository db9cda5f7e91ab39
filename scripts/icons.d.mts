/** Types of scripts/icons.mjs (the icon, rendered from assets/icon.svg at build time). */
export const ICON_SVG: string;
export const ICON_SIZES: number[];
export const ACTION_ICON_SIZES: number[];
export function iconPath(size: number): string;
export function iconMap(sizes?: number[]): Record<string, string>;
export function renderIcon(size: number, svg?: Buffer): Buffer;
export function renderIcons(dir: string): { size: number; file: string }[];
