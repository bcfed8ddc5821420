import type { SecretView } from '../../../shared';

/**
 * A secret as a row keeps it: sealed by the vault, or the name of an environment variable that holds it;
 * never the value itself. The hint is safe to show.
 */
export interface StoredSecret {
  readonly sealed: Buffer | null;
  readonly env: string | null;
  readonly hint: string;
}

export function storedSecretFrom(sealed: Buffer | null, env: string | null, hint: string | null): StoredSecret | null {
  if (sealed === null && env === null) return null;
  return { sealed, env, hint: hint ?? '' };
}

export function secretView(secret: StoredSecret | null): SecretView | null {
  if (!secret) return null;
  return { source: secret.env !== null ? 'env' : 'sealed', env: secret.env, hint: secret.hint };
}
