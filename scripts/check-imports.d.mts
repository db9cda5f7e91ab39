/** Types of scripts/check-imports.mjs (the shape of src/: contexts, shared folders, no cycles). */
export const CONTEXTS: Record<string, string>;
export const ENTRYPOINTS: Record<string, string>;
export function importsOf(text: string): string[];
export function cycles(graph: Map<string, Set<string>>): string[][];
export function checkImports(root: string): { graph: Map<string, Set<string>>; violations: string[] };
