// Provider token patterns (redaction.md §2.4) from
// @secretlint/secretlint-rule-preset-recommend, run synchronously.
//
// secretlint's own entry point (`lintSource`) is async. Its rules are not:
// each rule's `create(context, options)` returns `{ file(source) }`, and
// `file` calls `context.report({ message: t(id, props), range })`
// synchronously (see @secretlint/types SecretLintRuleContext and
// @secretlint/core RuleContext.js). This adapter provides that context
// (`report`, `ignore`, `createTranslator`, `sharedOptions`), creates every
// rule once, and calls `file` directly on one string at a time. A cheap
// keyword test per rule keeps ordinary text from running any rule regex.
//
// Fixes applied to what the rules report:
// - Ranges are clamped to the scanned string.
// - Two 13.0.7 rules report a range of the right length at the wrong place
//   (AWS secret access key, npm `x-oauth-basic` URL: start of the whole match,
//   length of the secret group). Every report carries the matched secret in
//   its message data, so the secret's own position is used when the reported
//   range does not hold it.
// - A rule that throws masks the whole string (`scan-error`): fail closed.
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { clampRange, PRIORITY } from './ranges.js';
import { providerMarkerId } from './provider-ids.js';
import type { Finding, Scanner } from './types.js';

const PREFIX = '@secretlint/secretlint-rule-';

interface RuleConfig {
  /** Case-sensitive substrings; the rule runs only if one is present. */
  keywords: readonly string[];
  /** Use a case-insensitive test instead (rules whose regex has the `i` flag). */
  caseInsensitive?: boolean;
  /** Also run the rule when this matches (for rules whose trigger is a phrase, not a prefix). */
  pattern?: RegExp;
  options?: Record<string, unknown>;
}

/** Rules not run, and why. */
export const SKIPPED_RULES: Readonly<Record<string, string>> = {
  gcp: 'needs a file name (.json/.p12); service-account JSON is caught by the private_key key and the PEM pattern',
  basicauth: 'replaced by the url-userinfo pattern, which covers every scheme and keeps the host readable',
  'database-connection-string': 'its range runs to the next whitespace (redaction.md §5); replaced by db-url',
  'filter-comments': 'a `secretlint-disable` comment inside recorded traffic must not switch redaction off',
};

export const RULE_CONFIG: Readonly<Record<string, RuleConfig>> = {
  // The ID scan is off by default in secretlint; AWS key ids are worth hiding here.
  // Its secret-key and account-id detectors need `secret_access_key` or
  // `account_id: 1234…`; the words alone are too common to trigger on.
  aws: {
    keywords: ['A3T', 'AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'],
    pattern: /secret_?access_?key|account_?(?:id)?["']?\s*(?::|=>|=)\s*["']?\d{4}/i,
    options: { enableIDScanRule: true },
  },
  privatekey: { keywords: ['PRIVATE KEY'] },
  npm: { keywords: ['npm_', 'x-oauth-basic'] },
  slack: { keywords: ['xox', 'xapp-', 'hooks.slack.com'], caseInsensitive: true },
  sendgrid: { keywords: ['SG.'] },
  shopify: { keywords: ['shppa_', 'shpca_', 'shpat_', 'shpss_'] },
  stripe: { keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'] },
  github: { keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  gitlab: { keywords: ['glpat-'] },
  grafana: { keywords: ['glc_', 'glsa_'] },
  openai: { keywords: ['T3BlbkFJ'] },
  anthropic: { keywords: ['sk-ant-api0'] },
  groq: { keywords: ['gsk_'] },
  huggingface: { keywords: ['hf_'] },
  linear: { keywords: ['lin_api_'] },
  notion: { keywords: ['ntn_'] },
  '1password': { keywords: ['ops_ey'] },
  'hashicorp-vault': { keywords: ['hvs.', 'hvb.', 'hvr.'] },
  vercel: { keywords: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'] },
  databricks: { keywords: ['dapi'] },
  docker: { keywords: ['dckr_pat_'] },
  figma: { keywords: ['figd_'] },
  cloudflare: { keywords: ['cfk_', 'cfut_', 'cfat_'] },
  tailscale: { keywords: ['tskey-'] },
};

// Minimal structural types of the secretlint rule API (the preset's own
// .d.ts points at packages that are not installed here).
interface TranslateResult {
  message: string;
  messageId: string;
  data?: Record<string, unknown>;
}
interface ReportDescriptor {
  message: TranslateResult;
  range: readonly number[];
}
interface RuleContext {
  sharedOptions: Record<string, unknown>;
  createTranslator(messages: unknown): (messageId: string, props?: Record<string, unknown>) => TranslateResult;
  report(descriptor: ReportDescriptor): void;
  ignore(descriptor: unknown): void;
}
interface SourceCode {
  content: string;
  ext: string;
  filePath: undefined;
  contentType: 'text';
}
interface RuleHandler {
  file?: (source: SourceCode) => unknown;
}
interface RuleCreator {
  meta: { id: string };
  create(context: RuleContext, options: Record<string, unknown>): RuleHandler;
}

function isRuleCreator(x: unknown): x is RuleCreator {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as { meta?: { id?: unknown }; create?: unknown };
  return typeof r.meta?.id === 'string' && typeof r.create === 'function';
}

/** The preset's rules, checked once: a changed shape fails at start-up, not silently. */
function loadPresetRules(): RuleCreator[] {
  const loaded: unknown = presetRules;
  if (!Array.isArray(loaded) || !loaded.every(isRuleCreator)) {
    throw new Error('redact: @secretlint/secretlint-rule-preset-recommend no longer exports rule creators');
  }
  return loaded;
}

/** Short name (`github`) of every rule in the installed preset. */
export function presetRuleNames(): string[] {
  return loadPresetRules().map((r) => r.meta.id.replace(PREFIX, ''));
}

/** The matched secret a rule passes to its message (`KEY`, `TOKEN`, `ID`, …). */
function reportedSecret(data: Record<string, unknown> | undefined): string | null {
  if (!data) return null;
  for (const k of ['KEY', 'TOKEN', 'ID', 'URI', 'CREDENTIAL', 'URL']) {
    const v = data[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return null;
}

/** Which of the anchor characters occur in the string being scanned. */
type Anchors = Readonly<Record<string, boolean>>;

interface Prepared {
  test: (s: string, anchors: Anchors) => boolean;
  handler: RuleHandler;
}

// Most keywords contain `_`, `-` or `.`; prose often contains none of them,
// and one `includes` per anchor is cheaper than one per keyword.
const ANCHOR_CHARS = ['_', '-', '.'];

function keywordTest(keywords: readonly string[]): (s: string, anchors: Anchors) => boolean {
  const withAnchor = keywords.map((k) => [k, ANCHOR_CHARS.find((a) => k.includes(a))] as const);
  return (s, anchors) => withAnchor.some(([k, a]) => (a === undefined || anchors[a] === true) && s.includes(k));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Up to this length one regex over every rule's keywords is far cheaper than
 * the rules' own tests (short strings are most of what a message holds);
 * beyond it the two cost about the same, so only the rules' tests run.
 */
const GATE_MAX_CHARS = 4096;

/**
 * Whether any rule's test could pass: one pass over the string instead of one
 * test per rule. It passes whenever a rule's keyword test would (same
 * keywords, same case rule, same extra pattern), so it only skips work.
 * Null when some rule runs unconditionally (one this file does not know).
 */
function anyKeyword(configs: readonly RuleConfig[] | null): ((s: string) => boolean) | null {
  if (configs === null) return null;
  const exact = new RegExp(configs.filter((c) => c.caseInsensitive !== true).flatMap((c) => c.keywords.map(escapeRegExp)).join('|'));
  const folded = new RegExp(configs.filter((c) => c.caseInsensitive === true).flatMap((c) => c.keywords.map(escapeRegExp)).join('|') || '(?!)', 'i');
  const patterns = configs.flatMap((c) => (c.pattern ? [c.pattern] : []));
  return (s) => exact.test(s) || folded.test(s) || patterns.some((p) => p.test(s));
}

export interface ProviderScannerOptions {
  /** The one-regex pre-test (default on); off only to check that it never skips a rule that would report. */
  gate?: boolean;
}

export function providerScanner(options: ProviderScannerOptions = {}): Scanner {
  // The string being scanned and where its findings go; null outside a
  // `file()` call, so a report arriving late (an async rule) is dropped.
  let current: { s: string; out: Finding[] } | null = null;

  const context: RuleContext = {
    sharedOptions: {},
    // No message text is needed (it would only copy the secret into another
    // string); keep the id and the data, as secretlint's translator does.
    createTranslator: () => (messageId, props) => ({ message: messageId, messageId, data: props }),
    report(descriptor) {
      if (current === null) return;
      const { s, out } = current;
      const [rawStart = 0, rawEnd = 0] = descriptor.range;
      const secret = reportedSecret(descriptor.message.data);
      let start = rawStart;
      let end = rawEnd;
      if (secret !== null && s.slice(start, end) !== secret) {
        const at = s.indexOf(secret, Math.max(0, start));
        if (at !== -1) {
          start = at;
          end = at + secret.length;
        }
      }
      const range = clampRange(start, end, s.length);
      if (range === null) return;
      const rule = providerMarkerId(descriptor.message.messageId, s.slice(range[0], range[1]));
      out.push({ start: range[0], end: range[1], rule, priority: PRIORITY.provider });
    },
    ignore() {
      // Only filter-comments ignores, and it is not run.
    },
  };

  const prepared: Prepared[] = [];
  // What the prepared rules are tested by; null once one runs on every string.
  let configs: RuleConfig[] | null = [];
  for (const creator of loadPresetRules()) {
    const name = creator.meta.id.replace(PREFIX, '');
    if (name in SKIPPED_RULES) continue;
    const config = RULE_CONFIG[name];
    const handler = creator.create(context, { ...(config?.options ?? {}) });
    if (typeof handler.file !== 'function') continue;
    let test: Prepared['test'];
    if (config === undefined) {
      test = () => true; // a rule this file does not know yet: run it always
      configs = null;
    } else if (config.caseInsensitive === true) {
      const re = new RegExp(config.keywords.map(escapeRegExp).join('|'), 'i');
      test = (s) => re.test(s);
    } else {
      const byKeyword = keywordTest(config.keywords);
      const pattern = config.pattern;
      test = (s, anchors) => byKeyword(s, anchors) || (pattern?.test(s) ?? false);
    }
    if (config !== undefined) configs?.push(config);
    prepared.push({ test, handler });
  }

  const gate = options.gate === false ? null : anyKeyword(configs);
  return (s: string, out: Finding[]): void => {
    if (gate !== null && s.length <= GATE_MAX_CHARS && !gate(s)) return;
    const anchors: Anchors = { _: s.includes('_'), '-': s.includes('-'), '.': s.includes('.') };
    for (const rule of prepared) {
      if (!rule.test(s, anchors)) continue;
      current = { s, out };
      try {
        const result = rule.handler.file?.({ content: s, ext: '', filePath: undefined, contentType: 'text' });
        if (result instanceof Promise) result.catch(() => undefined);
      } catch {
        out.push({ start: 0, end: s.length, rule: 'scan-error', priority: PRIORITY.scanError });
      } finally {
        current = null;
      }
    }
  };
}
