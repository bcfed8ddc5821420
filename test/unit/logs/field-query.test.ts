import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/engine/engine-error';
import { FIELD_QUERY_MAX_LINE, fieldsMatch, parseFilterQuery } from '../../../electron/engine/logs/field-query';

function validationMessage(box: string): string {
  try {
    parseFilterQuery(box);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('VALIDATION_FAILED');
    expect((error as EngineError).field).toBe('filter');
    return (error as Error).message;
  }
  throw new Error(`"${box}" parsed`);
}

const matches = (box: string, line: string): boolean => fieldsMatch(line, parseFilterQuery(box).fieldTerms);

describe('parseFilterQuery', () => {
  it('splits the box into text terms and field terms; quotes keep spaces and make a term text', () => {
    expect(parseFilterQuery('upstream  timeout')).toEqual({ textTerms: ['upstream', 'timeout'], fieldTerms: [] });
    expect(parseFilterQuery('"upstream timeout" "status=500" x')).toEqual({ textTerms: ['upstream timeout', 'status=500', 'x'], fieldTerms: [] });
    const query = parseFilterQuery('level:error status>=500 user.id=42 msg~"time out" code!=E1 took<9.5 a>1 b<=2 c=x payment');
    expect(query.textTerms).toEqual(['payment']);
    expect(query.fieldTerms.map((term) => [term.key, term.operator, term.value])).toEqual([
      ['level', ':', 'error'],
      ['status', '>=', '500'],
      ['user.id', '=', '42'],
      ['msg', '~', 'time out'],
      ['code', '!=', 'E1'],
      ['took', '<', '9.5'],
      ['a', '>', '1'],
      ['b', '<=', '2'],
      ['c', '=', 'x'],
    ]);
    expect(query.fieldTerms[2]!.path).toEqual(['user', 'id']);
    // Terms that do not start with a key are text: paths, times, punctuation.
    expect(parseFilterQuery('/api/items?id=5 12:30:00 -x=1').textTerms).toEqual(['/api/items?id=5', '12:30:00', '-x=1']);
  });

  it('rejects bad input with a message that says what to do', () => {
    expect(validationMessage('Error: refused')).toBe('filter: "Error:" has no value after ":". Write a value (Error:value), or quote the term ("Error:") to find it as text.');
    expect(validationMessage('status>=abc')).toBe('filter: "status>=abc": >= compares numbers, and "abc" is not one. Quote the term ("status>=abc") to find it as text.');
    expect(validationMessage('msg~"open')).toMatch(/^filter: the quote opened at character 5 is not closed/);
    expect(validationMessage('"open')).toMatch(/^filter: the quote opened at character 1 is not closed/);
    expect(validationMessage('   ')).toBe('filter: the filter is empty. Type text to find, or a field term such as level:error.');
    expect(validationMessage('""')).toMatch(/^filter: an empty quoted term/);
    expect(validationMessage('msg~a"b"')).toBe('filter: "msg~a"b"": a quoted value must be the whole value (msg~"two words").');
  });
});

describe('fieldsMatch', () => {
  it('compares strings case-insensitively, numbers as numbers, and reads dotted paths', () => {
    const line = JSON.stringify({ level: 'ERROR', status: 503, user: { id: 42, name: 'Ada' }, msg: 'Upstream TIMEOUT after 30s', 'req.id': 'r-1', ok: false, code: '504' });
    expect(matches('level:error', line)).toBe(true);
    expect(matches('level=warn', line)).toBe(false);
    expect(matches('status>=500', line)).toBe(true);
    expect(matches('status>503', line)).toBe(false);
    expect(matches('status<=503 status<600', line)).toBe(true);
    expect(matches('status=503.0', line)).toBe(true);
    expect(matches('code>=500', line)).toBe(true); // a numeric string compares as a number
    expect(matches('user.id=42', line)).toBe(true);
    expect(matches('user.id=43', line)).toBe(false);
    expect(matches('user.name:ada', line)).toBe(true);
    expect(matches('req.id=R-1', line)).toBe(true); // a key holding the dots itself
    expect(matches('msg~"timeout after"', line)).toBe(true);
    expect(matches('msg~refused', line)).toBe(false);
    expect(matches('ok=false', line)).toBe(true);
    expect(matches('level!=info', line)).toBe(true);
    expect(matches('missing!=x', line)).toBe(true);
    expect(matches('missing=x', line)).toBe(false);
    expect(matches('user=42', line)).toBe(false); // an object equals no value
    expect(matches('level:error status<500', line)).toBe(false); // every term must hold
  });

  it('never matches lines that are not JSON objects, do not parse, or are over the size cap', () => {
    expect(matches('level:error', 'level:error in plain text')).toBe(false);
    expect(matches('level:error', ' {"level":"error"}')).toBe(false);
    expect(matches('level:error', '{"level":"error"')).toBe(false);
    expect(matches('level!=x', '[1,2]')).toBe(false);
    const big = JSON.stringify({ level: 'error', pad: 'x'.repeat(FIELD_QUERY_MAX_LINE) });
    expect(matches('level:error', big)).toBe(false);
    expect(matches('level:error', JSON.stringify({ level: 'error', pad: 'x'.repeat(1000) }))).toBe(true);
  });
});
