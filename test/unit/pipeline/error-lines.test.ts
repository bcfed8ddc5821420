import { describe, expect, it } from 'vitest';
import { firstErrorLineIndex, isErrorLine, stripAnsi } from '../../../shared/error-lines';

describe('isErrorLine', () => {
  it.each([
    'Error: Cannot find module "express"',
    'ERROR [3/4] RUN npm ci',
    'npm ERR! code ELIFECYCLE',
    "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
    'Traceback (most recent call last):',
    'java.lang.IllegalStateException: boom',
    'panic: runtime error: index out of range',
    'fatal: not a git repository',
    'FAILED to bind port',
    'process exited with code 1',
    'error: linker failed',
    '[CRASH] exit=137 oom=true',
    'sh: foo: command not found',
  ])('flags %s', (line) => {
    expect(isErrorLine(line)).toBe(true);
  });

  it.each([
    'Step 1/4 : FROM berth-test/busybox:1',
    ' ---> Using cache',
    'Successfully built 5c3dbd09efad',
    'compiled with 0 errors',
    'no errors found',
    'process exited with code 0',
    'errorless mode enabled',
    '',
  ])('ignores %s', (line) => {
    expect(isErrorLine(line)).toBe(false);
  });

  it('finds the first error line', () => {
    expect(firstErrorLineIndex(['Step 1/2 : RUN make', 'make: *** Error 2', 'ERROR again'])).toBe(1);
    expect(firstErrorLineIndex(['all good'])).toBe(-1);
  });
});

describe('stripAnsi', () => {
  it('removes colour codes so a coloured stderr line is still an error line', () => {
    expect(stripAnsi('\x1b[91merror: missing dependency\x1b[0m')).toBe('error: missing dependency');
    expect(isErrorLine('\x1b[91merror: missing dependency left-pad')).toBe(true);
    expect(isErrorLine('\x1b[0mStep 3/4 : RUN make')).toBe(false);
  });
});
