import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compileLinePattern, globShadow, requiredLiteral } from '../../../electron/engine/logs/line-pattern';

/** A small deterministic PRNG (mulberry32), so a failure names a case that can be run again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ['a', 'b', '5', '0', '=', ' ', '-', '.', '[0-4]', '[ab]', '[^a]', '[[:digit:]]', '[]a]', '\\d', '\\w', '\\s', '\\.', '\\*', '*', '?', '[', '{', '(a|5)', '(?:b=)', '(?P<n>0)', '^', '$', '\\b'];
const REPEATS = ['', '', '', '*', '+', '?', '{2}', '{1,3}', '*?', '+?'];
const TEXT = 'ab50= -.*?[{';

describe('globShadow and requiredLiteral', () => {
  it('never reject a line the RE2 pattern matches (random patterns and lines, checked against SQLite GLOB)', () => {
    const db = new BetterSqlite3(':memory:');
    const glob = db.prepare<[string, string]>('SELECT ? GLOB ?').pluck();
    const next = random(20261205);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    let patterns = 0;
    let rejected = 0;
    for (let round = 0; round < 1500; round++) {
      const source = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(ATOMS) + pick(REPEATS)).join('');
      let matcher;
      try {
        matcher = compileLinePattern(source, true, true, 'filter');
      } catch {
        continue; // RE2 refuses it (a repeat of nothing, an unclosed class): the filter never gets this far
      }
      patterns++;
      const shadow = globShadow(source);
      const literal = requiredLiteral(source);
      for (let line = 0; line < 40; line++) {
        const text = Array.from({ length: Math.floor(next() * 12) }, () => pick([...TEXT])).join('');
        if (!matcher.test(text)) {
          if (shadow !== undefined && glob.get(text, shadow) === 0) rejected++;
          continue;
        }
        expect({ source, text, holdsLiteral: text.includes(literal) }).toEqual({ source, text, holdsLiteral: true });
        if (shadow !== undefined) expect({ source, text, shadow, glob: glob.get(text, shadow) }).toEqual({ source, text, shadow, glob: 1 });
      }
    }
    // Not vacuous: most patterns compiled, and the shadows turned many non-matching lines away.
    expect(patterns).toBeGreaterThan(800);
    expect(rejected).toBeGreaterThan(5000);
    db.close();
  });

  it('writes what a pattern needs as GLOB, and gives up where it cannot', () => {
    expect(globShadow('status=500 bytes=\\d+ took [0-4]\\d*ms')).toBe('*status=500 bytes=[0-9]* took [0-4]*ms*');
    expect(globShadow('payment pay-[0-9a-f]+ declined: card_\\w+')).toBe('*payment pay-[0-9a-f]* declined: card_[0-9A-Z_a-z]*');
    expect(globShadow('^GET (/api|/v2)/items? [*]')).toBe('*GET */item* ?*');
    expect(globShadow('a|b')).toBeUndefined();
    expect(globShadow('(?i)timeout')).toBeUndefined();
    expect(globShadow('\\x41 or \\pL')).toBeUndefined();
  });

  it('requiredLiteral skips a POSIX class inside brackets whole ([[:digit:]]x once yielded "]x")', () => {
    expect(requiredLiteral('[[:digit:]]x ok')).toBe('x ok');
    expect(requiredLiteral('[^[:space:]]+ failed')).toBe(' failed');
  });
});
