// The one way Berth keeps a secret at rest.

/**
 * Secrets (an access key typed into the desktop app) are kept only through this. The desktop shell
 * implements it with Electron `safeStorage`; headless Berth has none and refuses secrets.
 */
export interface SecretVault {
  readonly available: boolean;
  /** Why `available` is false, for the refusal message ("Linux's basic_text backend only obfuscates"). */
  readonly unavailableReason?: string;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export const headlessVault: SecretVault = {
  available: false,
  encrypt: () => {
    throw new Error(refusedSecretMessage());
  },
  decrypt: () => {
    throw new Error(refusedSecretMessage());
  },
};

const CONFIGURE_OUTSIDE_BERTH =
  'Configure credentials outside Berth (aws configure --profile <name>, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO or a role) and set the project\'s ECS profile name.';

/** Why a secret was refused and what to do instead. Without a reason: headless Berth. */
export function refusedSecretMessage(reason?: string): string {
  if (reason) return `Berth cannot store AWS secrets here: ${reason}. ${CONFIGURE_OUTSIDE_BERTH}`;
  return `Headless Berth does not store AWS secrets. ${CONFIGURE_OUTSIDE_BERTH}`;
}
