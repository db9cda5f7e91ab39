/** Types of scripts/assets.mjs (the third-party files provisioning installs). */
export interface ModelAsset {
  name: string;
  sha256: string;
  url: string;
}
export const MODELS: ModelAsset[];
export const STYLE_COUNT: number;
export function styleUrl(name: string): string;
