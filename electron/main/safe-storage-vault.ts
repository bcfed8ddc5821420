// The desktop app's SecretVault: Electron safeStorage, which seals with the OS keychain (Keychain on
// macOS, DPAPI on Windows, libsecret/KWallet on Linux). Typed structurally so it is tested under Node.
import type { SecretVault } from '../engine/secrets/secret-vault';

/** The part of Electron's `safeStorage` this uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

/** Linux's fallback when no keyring answers: a hard-coded key, obfuscation rather than encryption. */
export const PLAIN_TEXT_BACKEND = 'basic_text';

function unavailableReason(safeStorage: SafeStorageLike): string | undefined {
  // Asked each time: on Linux the answer is only known once the app is ready.
  if (safeStorage.getSelectedStorageBackend?.() === PLAIN_TEXT_BACKEND) {
    return "no system keyring answered (Electron safeStorage fell back to Linux's basic_text backend, which only obfuscates); start a Secret Service such as GNOME Keyring or KWallet and restart Berth";
  }
  if (!safeStorage.isEncryptionAvailable()) return 'the OS keychain is not available to Berth (Electron safeStorage reports no encryption)';
  return undefined;
}

export function createSafeStorageVault(safeStorage: SafeStorageLike): SecretVault {
  return {
    get available() {
      return unavailableReason(safeStorage) === undefined;
    },
    get unavailableReason() {
      return unavailableReason(safeStorage);
    },
    encrypt: (plain) => {
      const reason = unavailableReason(safeStorage);
      if (reason) throw new Error(`Cannot seal a secret: ${reason}.`);
      return safeStorage.encryptString(plain);
    },
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
