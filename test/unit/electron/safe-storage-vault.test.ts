// electron/main/safe-storage-vault.ts against a fake safeStorage (the Electron binary cannot run here).
import { describe, expect, it } from 'vitest';
import { createSafeStorageVault, type SafeStorageLike } from '../../../electron/main/safe-storage-vault';

/** A stand-in for Electron's safeStorage: XOR with a fixed byte, and counters to see what was asked. */
function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}): SafeStorageLike & { encrypted: number; backend: string | undefined; available: boolean } {
  const fake = {
    encrypted: 0,
    backend: options.backend,
    available: options.available ?? true,
    isEncryptionAvailable: () => fake.available,
    encryptString: (plain: string) => {
      fake.encrypted += 1;
      return Buffer.from(Buffer.from(plain).map((byte) => byte ^ 0x5a));
    },
    decryptString: (sealed: Buffer) => Buffer.from(sealed.map((byte) => byte ^ 0x5a)).toString(),
  };
  // Only Linux's safeStorage has getSelectedStorageBackend.
  return options.backend === undefined ? fake : Object.assign(fake, { getSelectedStorageBackend: () => fake.backend! });
}

describe('createSafeStorageVault', () => {
  it('seals through encryptString and opens through decryptString when a keychain is there', () => {
    const safeStorage = fakeSafeStorage({ backend: 'gnome_libsecret' });
    const vault = createSafeStorageVault(safeStorage);
    expect(vault.available).toBe(true);
    expect(vault.unavailableReason).toBeUndefined();
    const sealed = vault.encrypt('the-secret-value');
    expect(safeStorage.encrypted).toBe(1);
    expect(sealed.toString()).not.toContain('the-secret-value');
    expect(vault.decrypt(sealed)).toBe('the-secret-value');
  });

  it('is available on macOS and Windows, where there is no backend to ask', () => {
    expect(createSafeStorageVault(fakeSafeStorage()).available).toBe(true);
  });

  it("treats Linux's basic_text backend as no keychain, says so, and never seals with it", () => {
    const safeStorage = fakeSafeStorage({ backend: 'basic_text', available: true });
    const vault = createSafeStorageVault(safeStorage);
    expect(vault.available).toBe(false);
    expect(vault.unavailableReason).toMatch(/basic_text/);
    expect(vault.unavailableReason).toMatch(/only obfuscates/);
    expect(() => vault.encrypt('the-secret-value')).toThrow(/basic_text/);
    expect(safeStorage.encrypted).toBe(0);
  });

  it('is unavailable when safeStorage reports no encryption', () => {
    const vault = createSafeStorageVault(fakeSafeStorage({ available: false }));
    expect(vault.available).toBe(false);
    expect(vault.unavailableReason).toMatch(/keychain is not available/);
    expect(() => vault.encrypt('x')).toThrow(/Cannot seal/);
  });

  it('asks each time: availability that changes after app ready is seen', () => {
    const safeStorage = fakeSafeStorage({ available: false, backend: 'kwallet6' });
    const vault = createSafeStorageVault(safeStorage);
    expect(vault.available).toBe(false);
    safeStorage.available = true;
    expect(vault.available).toBe(true);
  });
});
