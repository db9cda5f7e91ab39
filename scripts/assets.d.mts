/** Types of scripts/assets.mjs (the third-party files provisioning installs). */
export interface ModelAsset {
  name: string;
  sha256: string;
  url: string;
}
export const MODELS: ModelAsset[];
/** The welcome page's sample photo; `local`: its path in the local folder, when not `welcome/<name>`. */
export const WELCOME: (ModelAsset & { local: string })[];
export const STYLE_COUNT: number;
export function styleUrl(name: string): string;
