// Fake credentials for the redaction tests, assembled at run time so the
// repository never contains a literal token that secret scanners (GitHub
// push protection, secretlint in CI) would flag.
import { generateKeyPairSync } from 'node:crypto';

/** Deterministic filler of `n` characters from `alphabet`. */
export function filler(n: number, alphabet = 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[(i * 7 + 3) % alphabet.length];
  return out;
}

const j = (...parts: string[]): string => parts.join('');

export const fake = {
  githubPat: j('gh', 'p_', filler(36)),
  githubFineGrained: j('github', '_pat_', filler(82, 'abcdefghij0123456789ABCDEFGHIJ_')),
  slackBot: j('xo', 'xb-', '1234567890', '-', '1234567890123', '-', filler(24, 'AbCdEfGhIjKlMnOpQrStUvWx')),
  slackWebhook: j('https://hooks.', 'slack.com/services/', 'T0123ABCD', '/', 'B0123ABCD', '/', filler(24, 'abcXYZ123')),
  awsKeyId: j('AK', 'IA', 'Z7Q3WXYV2K5M8N4P'),
  awsSecret: filler(40, 'abcdEFGH1234/+ijklMNOP5678qrstUVWX'),
  openaiLegacy: j('sk-', filler(20), 'T3Blbk', 'FJ', filler(20)),
  openaiProject: j('sk-', 'proj-', filler(74, 'abcXYZ019_-'), 'T3Blbk', 'FJ', filler(74, 'QRSdef456_-')),
  anthropic: j('sk-', 'ant-', 'api03-', filler(93, 'aBcD123_-xYz'), 'AA'),
  stripeLive: j('sk', '_live_', filler(24)),
  gitlab: j('gl', 'pat-', filler(20)),
  npm: j('np', 'm_', filler(36)),
  sendgrid: j('S', 'G.', filler(22), '.', filler(43)),
  huggingface: j('h', 'f_', filler(34, 'abcdefghijKLMNOPQRSTuvwxyz')),
  jwt: j(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
    '.',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  ),
};

export interface PemKeys {
  pkcs1: string;
  pkcs8: string;
}

let cachedKeys: PemKeys | null = null;

/** Real RSA keys (small: speed over strength, they are thrown away). */
export function pemKeys(): PemKeys {
  cachedKeys ??= {
    pkcs1: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pkcs8: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return cachedKeys;
}
