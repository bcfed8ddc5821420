import { describe, expect, it } from 'vitest';
import { firstInstallFailureIndex, MAX_EXCERPT_CHARS, scanBuildVerification } from '../../../electron/engine/scan/build-verification';

describe('scanBuildVerification', () => {
  it('a passed build has no excerpt', () => {
    expect(scanBuildVerification('passed', ['Step 1/9 : FROM node'])).toEqual({ status: 'passed' });
  });

  it.each([
    ['npm', ['Step 4/9 : RUN npm ci', 'npm warn deprecated inflight@1.0.6', 'npm error code E404', 'npm error 404 Not Found - GET https://registry.npmjs.org/expresss', 'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log'], 2],
    // npm 9 (Debian's), as it printed in a build here.
    ['npm 9', ['Step 4/9 : RUN npm ci', 'npm ERR! code E404', "npm ERR! 404 Not Found - GET https://registry.npmjs.org/berth-no-such-package-zz9", "npm ERR! 404  'berth-no-such-package-zz9@*' is not in this registry."], 1],
    ['pip', ['Step 5/9 : RUN pip install -r requirements.txt', 'Collecting flask==99', 'ERROR: Could not find a version that satisfies the requirement flask==99 (from versions: 0.1)', 'ERROR: No matching distribution found for flask==99'], 2],
    ['go', ['Step 5/8 : RUN go mod download', 'go: github.com/acme/nope@v1.2.3: reading https://proxy.golang.org/github.com/acme/nope/@v/v1.2.3.mod: 404 Not Found'], 1],
  ])('%s: the first failing install line is the root cause, with its context', (_name, lines, index) => {
    expect(firstInstallFailureIndex(lines)).toBe(index);
    const verification = scanBuildVerification('failed', [...lines, "The command '/bin/sh -c npm ci' returned a non-zero code: 1"]);
    expect(verification.status).toBe('failed');
    expect(verification.logExcerpt!.split('\n')).toContain(lines[index]);
    expect(verification.logExcerpt!.startsWith(lines[Math.max(0, index - 3)]!)).toBe(true);
  });

  it('falls back to the first error line, then to the end of the output; strips colours; caps the size', () => {
    expect(scanBuildVerification('failed', ['ok', 'ok', 'Error: boom', 'later']).logExcerpt).toBe('ok\nok\nError: boom\nlater');
    expect(scanBuildVerification('failed', ['a', 'b']).logExcerpt).toBe('a\nb');
    expect(scanBuildVerification('failed', ['\u001b[91mnpm error code E404\u001b[0m']).logExcerpt).toBe('npm error code E404');
    expect(scanBuildVerification('failed', ['Error: x'.padEnd(40_000, 'x')]).logExcerpt!.length).toBe(MAX_EXCERPT_CHARS);
  });
});
