import type { AlertRuleInfo } from '../types.js';
import { DRIFT_RULES } from './drift-rules.js';
import { POISONING_RULES } from './rules.js';

/** Every rule as the API and the CLI describe it: id, kind, severity, why it matters, what to do. */
export const ALERT_RULES: readonly AlertRuleInfo[] = [...DRIFT_RULES, ...POISONING_RULES].map(({ id, kind, severity, rationale, advice }) => ({
  id,
  kind,
  severity,
  rationale,
  advice,
}));
