// What leaves the machine for failure analysis is scrubbed here first (docs/architecture.md, "Failure
// analysis"): every value Berth knows to be secret (env values marked secret, stored credentials, channel
// URLs and secrets, the API token, the analysis key itself), then anything shaped like a credential. Pure.

/** A value known to be secret, and the name the redaction mark gives it. */
export interface KnownSecret {
  readonly name: string;
  readonly value: string;
}

/** Values shorter than this are not masked: "1", "yes" and "dev" would blank half a log. */
export const MIN_SECRET_LENGTH = 4;

interface TokenShape {
  readonly name: string;
  readonly pattern: RegExp;
  /** Keeps a leading part of the match (a label such as `password=`), masking the rest. */
  readonly keep?: (match: string, ...groups: string[]) => string;
}

// Each pattern is linear (no nested quantifiers) and runs over text Berth built, line by line.
const TOKEN_SHAPES: readonly TokenShape[] = [
  { name: 'private-key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g },
  { name: 'url-credentials', pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s/@]+@/gi, keep: (_match, scheme) => `${scheme}` },
  { name: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/[A-Za-z0-9/_-]+/g },
  { name: 'discord-webhook', pattern: /https:\/\/(?:canary\.|ptb\.)?discord(?:app)?\.com\/api\/webhooks\/[A-Za-z0-9/_-]+/g },
  { name: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { name: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'api-key', pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g },
  { name: 'stripe-key', pattern: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { name: 'authorization', pattern: /\b((?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]+/gi, keep: (_match, label) => `${label}` },
  { name: 'bearer-token', pattern: /\b(bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi, keep: (_match, label) => `${label}` },
  {
    name: 'credential',
    // `password=…`, `"api_key": "…"`, `SECRET_KEY: …`: the name stays (it says what was there), the value goes.
    pattern: /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)[A-Za-z0-9_.-]*["']?\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,;"'&]+)/gi,
    keep: (_match, label) => `${label}`,
  },
];

export interface Redacted {
  readonly text: string;
  /** How many values were replaced. */
  readonly count: number;
}

const mark = (name: string): string => `[REDACTED:${name}]`;

/** Replaces every known secret value, longest first, then every credential-shaped token. */
export function redactSecrets(text: string, known: readonly KnownSecret[]): Redacted {
  let out = text;
  let count = 0;
  const values = [...known].filter((secret) => secret.value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.value.length - a.value.length);
  for (const secret of values) {
    if (!out.includes(secret.value)) continue;
    const parts = out.split(secret.value);
    count += parts.length - 1;
    out = parts.join(mark(secret.name));
  }
  for (const shape of TOKEN_SHAPES) {
    out = out.replace(shape.pattern, (match: string, ...rest: unknown[]) => {
      // A value already marked stays as it is.
      if (match.includes('[REDACTED:')) return match;
      // The replacer gets the captures, then the offset (a number), the input and maybe named groups.
      const captures = rest.slice(0, rest.findIndex((value) => typeof value === 'number')) as string[];
      count += 1;
      return shape.keep ? `${shape.keep(match, ...captures)}${mark(shape.name)}` : mark(shape.name);
    });
  }
  return { text: out, count };
}
