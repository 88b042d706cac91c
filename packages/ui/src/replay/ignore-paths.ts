// The verify form's "Ignore paths" field: JSON paths left out of the comparison.

/** `$.a, $.b[*].c` or one per line → the list; empty parts dropped. */
export function splitPaths(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}
