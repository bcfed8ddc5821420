// A SecretVault that really encrypts, standing in for the OS keychain (Electron safeStorage) in tests:
// AES-256-GCM under a random key that lives only in this process. Sealed: iv (12) | tag (16) | data.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretVault } from '../../electron/engine/secrets/secret-vault';

export interface TestVault extends SecretVault {
  /** How many times each side was used, so a test can see the vault was really asked. */
  readonly calls: { encrypt: number; decrypt: number };
}

export function createTestVault(key: Buffer = randomBytes(32)): TestVault {
  const calls = { encrypt: 0, decrypt: 0 };
  return {
    available: true,
    calls,
    encrypt: (plain) => {
      calls.encrypt += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]);
    },
    decrypt: (sealed) => {
      calls.decrypt += 1;
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
