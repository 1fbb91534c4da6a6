/**
 * Licence plates (products.md §0): stored as typed, matched normalised. The normal form is upper
 * case without spaces or dashes; the match form also reads `O` as `0` and `I` as `1`, the usual
 * confusions of people and plate readers alike, so `ab-c 01i` and `ABCO1I` are one plate.
 */
export function normalizePlate(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

/** The form two plates are compared in: normalised, with `O`→`0` and `I`→`1`. */
export function plateMatchKey(typed: string): string {
  return normalizePlate(typed).replace(/O/g, '0').replace(/I/g, '1');
}

/** True when two plates, each as typed or read, are the same plate. */
export function isSamePlate(a: string, b: string): boolean {
  return plateMatchKey(a) === plateMatchKey(b);
}
