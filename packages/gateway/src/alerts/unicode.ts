// Hidden Unicode: characters that render as nothing but that a model reads.
// Runs of them are found with their offsets (UTF-16 code units, as JavaScript
// indexes strings) and, where they encode text, decoded.

export interface HiddenRun {
  start: number;
  end: number;
  /** The hidden text, for tag characters and variation-selector bytes; else null. */
  decoded: string | null;
}

const TAG_FIRST = 0xe0000;
const TAG_LAST = 0xe007f;
const CANCEL_TAG = 0xe007f;
const WAVING_BLACK_FLAG = 0x1f3f4;
const VS_BMP_FIRST = 0xfe00;
const VS_BMP_LAST = 0xfe0f;
const VS_SUP_FIRST = 0xe0100;
const VS_SUP_LAST = 0xe01ef;
const ZWNJ = 0x200c;
const ZWJ = 0x200d;

const isTag = (cp: number): boolean => cp >= TAG_FIRST && cp <= TAG_LAST;
const isSelector = (cp: number): boolean => (cp >= VS_BMP_FIRST && cp <= VS_BMP_LAST) || (cp >= VS_SUP_FIRST && cp <= VS_SUP_LAST);
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u;
const IDEOGRAPH = /\p{Ideographic}/u;
/** A letter outside ASCII: ZWJ and ZWNJ shape Arabic, Persian and Indic text. */
const SCRIPT_LETTER = /[^\p{ASCII}](?<=\p{L}|\p{M})/u;

/** Zero-width and other invisible format characters (not variation selectors or tags, handled apart). */
const INVISIBLE = new Set([0x200b, ZWNJ, ZWJ, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x034f, 0x180e, 0x115f, 0x1160, 0x3164, 0xffa0, 0x17b4, 0x17b5]);
/** Embeddings, overrides and isolates: they reorder what is displayed. */
const BIDI = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

interface CodePoint {
  cp: number;
  index: number;
  length: number;
}

function* codePoints(text: string): Generator<CodePoint> {
  for (let index = 0; index < text.length; ) {
    const cp = text.codePointAt(index) as number;
    const length = cp > 0xffff ? 2 : 1;
    yield { cp, index, length };
    index += length;
  }
}

/** Quick test: could the text hold anything these scans find? Most text is plain, and this skips it in one pass. */
export function mayHideText(text: string): boolean {
  // Surrogates (tags, supplementary selectors), the General Punctuation format block, BOM, and the rest of INVISIBLE/BIDI and BMP selectors.
  return /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u202a-\u202e\u2060-\u2069\u3164\ufe00-\ufe0f\ufeff\uffa0\udb40]/.test(text);
}

/** Tag characters (U+E0000–E007F) that spell text; an emoji subdivision flag (🏴 + tags + cancel tag) is not reported. */
export function tagRuns(text: string): HiddenRun[] {
  const runs: HiddenRun[] = [];
  const points = [...codePoints(text)];
  for (let i = 0; i < points.length; i++) {
    if (!isTag(points[i]!.cp)) continue;
    let j = i;
    while (j < points.length && isTag(points[j]!.cp)) j++;
    const run = points.slice(i, j);
    const previous = points[i - 1]?.cp;
    const flag = previous === WAVING_BLACK_FLAG && run[run.length - 1]!.cp === CANCEL_TAG && run.slice(0, -1).every((p) => /[a-z0-9]/.test(String.fromCharCode(p.cp - TAG_FIRST)));
    if (!flag) {
      const decoded = run
        .map((p) => p.cp - TAG_FIRST)
        .filter((c) => c >= 0x20 && c <= 0x7e)
        .map((c) => String.fromCharCode(c))
        .join('');
      const last = run[run.length - 1]!;
      runs.push({ start: run[0]!.index, end: last.index + last.length, decoded: decoded.trim() === '' ? null : decoded });
    }
    i = j - 1;
  }
  return runs;
}

/**
 * Variation selectors used as bytes (the "emoji smuggling" encoding: VS1–16
 * are 0–15, VS17–256 are 16–255), decoded as UTF-8. One selector after a
 * character is ordinary (emoji presentation, ideographic variants) and is not
 * reported; two or more in a row, or a supplementary selector after anything
 * but an ideograph, are.
 */
export function selectorRuns(text: string): HiddenRun[] {
  const runs: HiddenRun[] = [];
  const points = [...codePoints(text)];
  for (let i = 0; i < points.length; i++) {
    if (!isSelector(points[i]!.cp)) continue;
    let j = i;
    while (j < points.length && isSelector(points[j]!.cp)) j++;
    const run = points.slice(i, j);
    const base = points[i - 1];
    const ordinary = run.length === 1 && (run[0]!.cp <= VS_BMP_LAST || (base !== undefined && IDEOGRAPH.test(String.fromCodePoint(base.cp))));
    if (!ordinary) {
      const bytes = Uint8Array.from(run.map((p) => (p.cp <= VS_BMP_LAST ? p.cp - VS_BMP_FIRST : p.cp - VS_SUP_FIRST + 16)));
      const decoded = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/[\u0000-\u001f\ufffd]/g, '');
      const last = run[run.length - 1]!;
      runs.push({ start: run[0]!.index, end: last.index + last.length, decoded: decoded.trim() === '' ? null : decoded });
    }
    i = j - 1;
  }
  return runs;
}

/** Zero-width and invisible format characters, by run; ZWJ and ZWNJ inside emoji sequences or non-Latin words are not reported. */
export function invisibleRuns(text: string): HiddenRun[] {
  return runsOf(text, (point, previous, next) => {
    if (!INVISIBLE.has(point.cp)) return false;
    if (point.cp === ZWJ || point.cp === ZWNJ) {
      const around = [previous, next].filter((p): p is CodePoint => p !== undefined).map((p) => String.fromCodePoint(p.cp));
      if (around.some((c) => PICTOGRAPHIC.test(c) || SCRIPT_LETTER.test(c) || isSelector(c.codePointAt(0) as number))) return false;
    }
    // A byte-order mark at the very start is an encoding artefact, not hidden text.
    return !(point.cp === 0xfeff && point.index === 0);
  });
}

export function bidiRuns(text: string): HiddenRun[] {
  return runsOf(text, (point) => BIDI.has(point.cp));
}

function runsOf(text: string, hidden: (point: CodePoint, previous: CodePoint | undefined, next: CodePoint | undefined) => boolean): HiddenRun[] {
  const runs: HiddenRun[] = [];
  const points = [...codePoints(text)];
  let open: HiddenRun | null = null;
  points.forEach((point, i) => {
    if (hidden(point, points[i - 1], points[i + 1])) {
      if (open && open.end === point.index) open.end = point.index + point.length;
      else {
        open = { start: point.index, end: point.index + point.length, decoded: null };
        runs.push(open);
      }
    }
  });
  return runs;
}

/** Invisible characters as visible escapes (`\u{200B}`), the rest as is: for `decoded` and for display. */
export function escapeInvisible(text: string): string {
  let out = '';
  for (const { cp } of codePoints(text)) {
    const hidden = INVISIBLE.has(cp) || BIDI.has(cp) || isTag(cp) || isSelector(cp) || cp === 0x200e || cp === 0x200f;
    out += hidden ? `\\u{${cp.toString(16).toUpperCase()}}` : String.fromCodePoint(cp);
  }
  return out;
}
