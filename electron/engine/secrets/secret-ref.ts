// Secrets that Berth keeps for alert channels and the analysis endpoint: a value sealed by the vault (desktop
// app), or the name of an environment variable of the engine (headless). Never kept in the clear, never
// echoed; every value resolved is registered with the logger first, so no log line can carry it.
import type { EndpointInput, SecretInput } from '../../../shared';
import { redact } from '../logger';
import type { StoredSecret } from '../store/stored-secret';
import type { SecretVault } from './secret-vault';

/** A secret that cannot be used here; the message says what happened and what to do, never the value. */
export class SecretUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

/** Why a value cannot be sealed here, and what to give instead. */
export function refusedValueMessage(what: string, vault: SecretVault): string {
  const why = vault.unavailableReason ? `this Berth cannot seal secrets (${vault.unavailableReason})` : 'headless Berth does not store secrets';
  return `${what}: ${why}. Name an environment variable of the engine instead, e.g. {"env": "BERTH_ALERT_URL"}, and start Berth with it set.`;
}

/** `hooks.slack.com …f00d`: the host and the last four characters, enough to tell two apart. */
export function urlHint(url: string): string {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    host = 'an unparsable URL';
  }
  return `${host} …${url.slice(-4)}`;
}

/** `…f00d` */
export function secretHint(value: string): string {
  return `…${value.slice(-4)}`;
}

/**
 * Seals a value with the vault, or keeps the environment variable's name. Throws SecretUnavailableError when
 * a value cannot be sealed here or the named variable is not set.
 */
export function storeSecret(input: EndpointInput | SecretInput, what: string, vault: SecretVault, env: NodeJS.ProcessEnv, hint: (value: string) => string): StoredSecret {
  if ('env' in input) {
    const value = env[input.env];
    if (value === undefined || value === '') {
      throw new SecretUnavailableError(`${what}: the environment variable ${input.env} is not set in the engine's environment. Set it and restart Berth, or name another one.`);
    }
    redact(value);
    return { sealed: null, env: input.env, hint: `$${input.env}` };
  }
  // Registered before anything can fail, so no later log line or error can carry it.
  redact(input.value);
  if (!vault.available) throw new SecretUnavailableError(refusedValueMessage(what, vault));
  return { sealed: vault.encrypt(input.value), env: null, hint: hint(input.value) };
}

/** The secret's value now. Throws SecretUnavailableError (without the value) when it cannot be had. */
export function resolveSecret(secret: StoredSecret, what: string, vault: SecretVault, env: NodeJS.ProcessEnv): string {
  let value: string;
  if (secret.env !== null) {
    const fromEnv = env[secret.env];
    if (fromEnv === undefined || fromEnv === '') throw new SecretUnavailableError(`${what} comes from the environment variable ${secret.env}, which is not set in the engine's environment. Set it and restart Berth.`);
    value = fromEnv;
  } else {
    if (!secret.sealed || !vault.available) {
      throw new SecretUnavailableError(`${what} is sealed by the desktop app's keychain, which this Berth cannot open (${vault.unavailableReason ?? 'headless'}). Store it again here, or name an environment variable.`);
    }
    try {
      value = vault.decrypt(secret.sealed);
    } catch {
      throw new SecretUnavailableError(`${what} could not be unsealed (it was stored under another user or keychain). Store it again.`);
    }
  }
  redact(value);
  return value;
}
