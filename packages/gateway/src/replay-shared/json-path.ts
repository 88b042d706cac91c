/** One step of a JSON path: an object key or an array index. */
export type PathStep = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.result.content[0].text`; keys that are not identifiers in brackets: `$["a-b"]`. */
export function formatPath(steps: readonly PathStep[]): string {
  let out = '$';
  for (const step of steps) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  return out;
}

/** A pattern step: a key, an index, or `*` (any key or index). */
type PatternStep = PathStep | { any: true };

/** A parsed `--ignore-path`: matches a path and everything below it. */
export interface PathPattern {
  source: string;
  steps: PatternStep[];
}

export class PathPatternError extends Error {
  override name = 'PathPatternError';
}

/**
 * Parses `$.result.content[*].text`, `$.result["x-y"]`, `$.result.*.id`.
 * Throws PathPatternError naming the problem.
 */
export function parsePathPattern(source: string): PathPattern {
  const fail = (why: string): never => {
    throw new PathPatternError(`ignore path ${JSON.stringify(source)}: ${why}; write it like $.result.content[*].text`);
  };
  if (!source.startsWith('$')) fail('it must start with $');
  const steps: PatternStep[] = [];
  let i = 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '.') {
      const match = /^[A-Za-z_$][A-Za-z0-9_$-]*|^\*/.exec(source.slice(i + 1));
      if (!match) fail(`no key after the dot at ${i}`);
      const key = (match as RegExpExecArray)[0];
      steps.push(key === '*' ? { any: true } : key);
      i += 1 + key.length;
    } else if (c === '[') {
      const close = source.indexOf(']', i);
      if (close < 0) fail(`no ] for the [ at ${i}`);
      const inner = source.slice(i + 1, close);
      if (inner === '*') steps.push({ any: true });
      else if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^".*"$/.test(inner)) {
        try {
          steps.push(JSON.parse(inner) as string);
        } catch {
          fail(`${inner} is not a JSON string`);
        }
      } else fail(`[${inner}] is neither an index, "key" nor *`);
      i = close + 1;
    } else fail(`unexpected ${JSON.stringify(c)} at ${i}`);
  }
  return { source, steps };
}

/** Whether the path is the pattern's or lies below it. */
export function matchesPattern(steps: readonly PathStep[], pattern: PathPattern): boolean {
  if (steps.length < pattern.steps.length) return false;
  return pattern.steps.every((want, index) => (typeof want === 'object' ? true : want === steps[index]));
}
