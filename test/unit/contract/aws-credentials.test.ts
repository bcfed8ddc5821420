// The contract of the two AWS credential requests: input shapes, the hint, and that a refusal never
// quotes a secret back.
import { describe, expect, it } from 'vitest';
import { accessKeyIdHint, describeIssues, projectSchema, requestHasBody, requests } from '../../../shared';

const input = requests.setAwsCredentials.input;
const valid = { id: 'prj_1', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function refusal(value: unknown): { message: string; field?: string } {
  const parsed = input.safeParse(value);
  expect(parsed.success).toBe(false);
  return describeIssues(parsed.error!.issues);
}

describe('setAwsCredentials input', () => {
  it('accepts an access key id, a secret and an optional session token', () => {
    expect(input.safeParse(valid).success).toBe(true);
    expect(input.safeParse({ ...valid, accessKeyId: 'ASIA' + 'Q'.repeat(12) }).success).toBe(true);
    expect(input.safeParse({ ...valid, accessKeyId: 'A'.repeat(128) }).success).toBe(true);
    expect(input.safeParse({ ...valid, sessionToken: 'x'.repeat(4096) }).success).toBe(true);
    expect(input.safeParse({ ...valid, secretAccessKey: 's'.repeat(256) }).success).toBe(true);
  });

  it.each([
    ['too short', 'AKIA12345678901'],
    ['too long', 'A'.repeat(129)],
    ['lower case', 'akiaiosfodnn7example'],
    ['a symbol', 'AKIAIOSFODNN7EXAMP-E'],
  ])('refuses an access key id that is %s, naming the field', (_what, accessKeyId) => {
    const { message, field } = refusal({ ...valid, accessKeyId });
    expect(field).toBe('accessKeyId');
    expect(message).toMatch(/16 to 128 capital letters and digits/);
  });

  it('refuses an empty or over-long secret and an over-long token without quoting them', () => {
    expect(refusal({ ...valid, secretAccessKey: '' })).toMatchObject({ field: 'secretAccessKey' });
    // Shorter than any AWS secret: refused, so redacting stored secrets never masks short common strings.
    const short = refusal({ ...valid, secretAccessKey: 'abc123def456ghi' });
    expect(short).toMatchObject({ field: 'secretAccessKey' });
    expect(short.message).toMatch(/at least 16 characters/);
    expect(short.message).not.toContain('abc123def456ghi');
    expect(input.safeParse({ ...valid, secretAccessKey: 'abc123def456ghi7' }).success).toBe(true);
    const long = `SECRET${'q'.repeat(300)}`;
    const tooLong = refusal({ ...valid, secretAccessKey: long });
    expect(tooLong.field).toBe('secretAccessKey');
    expect(tooLong.message).not.toContain('SECRETqqqq');
    const token = refusal({ ...valid, sessionToken: `TOKEN${'t'.repeat(4096)}` });
    expect(token.field).toBe('sessionToken');
    expect(token.message).not.toContain('TOKENttt');
    expect(refusal({ id: 'prj_1', accessKeyId: valid.accessKeyId })).toMatchObject({ field: 'secretAccessKey' });
  });

  it('refuses fields it does not know (a typo must not be dropped silently)', () => {
    expect(refusal({ ...valid, secretKey: 'x' }).message).toMatch(/secretKey/);
  });
});

describe('the AWS credential routes', () => {
  it('PUT and DELETE /api/projects/:id/aws-credentials; PUT carries a body', () => {
    expect(requests.setAwsCredentials).toMatchObject({ method: 'PUT', path: '/api/projects/:id/aws-credentials' });
    expect(requests.clearAwsCredentials).toMatchObject({ method: 'DELETE', path: '/api/projects/:id/aws-credentials' });
    expect(requestHasBody('PUT')).toBe(true);
    expect(requestHasBody('DELETE')).toBe(false);
    expect(requestHasBody('GET')).toBe(false);
  });

  it('answers with a hint (first and last four characters), never more', () => {
    expect(accessKeyIdHint('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE');
    expect(requests.setAwsCredentials.output.safeParse({ stored: true, accessKeyIdHint: 'AKIA…MPLE' }).success).toBe(true);
    expect(requests.setAwsCredentials.output.safeParse({ stored: false, accessKeyIdHint: 'AKIA…MPLE' }).success).toBe(false);
    expect(requests.clearAwsCredentials.output.safeParse({ stored: false }).success).toBe(true);
  });

  it('a project shows stored keys by their hint, or null, and has no place for a secret', () => {
    const field = projectSchema.shape.awsCredentials;
    expect(field.parse({ accessKeyIdHint: 'AKIA…MPLE' })).toEqual({ accessKeyIdHint: 'AKIA…MPLE' });
    expect(field.parse(null)).toBeNull();
    // Unknown keys are stripped from the output: a secret could not ride along.
    expect(field.parse({ accessKeyIdHint: 'AKIA…MPLE', secretAccessKey: 'x' })).toEqual({ accessKeyIdHint: 'AKIA…MPLE' });
  });
});
