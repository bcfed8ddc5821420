import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../electron/engine/analysis/redact-secrets';

describe('redactSecrets', () => {
  it('replaces every known secret value, naming it, longest first', () => {
    const result = redactSecrets('connecting with hunter2-hunter2 then hunter2-hunter2-x and short "ab"', [
      { name: 'DB_PASSWORD', value: 'hunter2-hunter2' },
      { name: 'OTHER', value: 'hunter2-hunter2-x' },
      { name: 'TINY', value: 'ab' },
    ]);
    expect(result.text).toBe('connecting with [REDACTED:DB_PASSWORD] then [REDACTED:OTHER] and short "ab"');
    expect(result.count).toBe(2);
  });

  it('masks credential-shaped tokens it was not told about', () => {
    const text = [
      'aws: AKIAIOSFODNN7EXAMPLE',
      'gh: ghp_0123456789abcdefghijABCDEFGHIJ012345',
      'openai sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
      'slack xoxb-123456789012-abcdefABCDEF',
      'Authorization: Bearer abc.def.ghi-long-token',
      'postgres://app:s3cretPass@db:5432/app',
      'DATABASE_PASSWORD=plain-text-pw other=kept',
      '"api_key": "k-123456"',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const { text: out, count } = redactSecrets(text, []);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'ghp_0123456789', 'sk-proj-AbCd', 'xoxb-1234', 'abc.def.ghi-long-token', 's3cretPass', 'plain-text-pw', 'k-123456', 'eyJhbGci', 'T000/B000', 'MIIEowIBAAKCAQEA']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('DATABASE_PASSWORD=[REDACTED:credential]');
    expect(out).toContain('other=kept');
    expect(out).toContain('postgres://[REDACTED:url-credentials]db:5432/app');
    expect(count).toBeGreaterThanOrEqual(11);
  });

  it('leaves ordinary log lines alone', () => {
    const text = 'npm ERR! code ELIFECYCLE\nError: listen EADDRINUSE: address already in use :::3000\nStep 4/9 : RUN npm ci';
    expect(redactSecrets(text, [])).toEqual({ text, count: 0 });
  });
});
