/** Guards every context uses on data it did not make (messages, imported files). */

/** A plain object (not null, not an array) whose fields are still to be checked. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
