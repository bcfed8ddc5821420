import { describe, expect, it } from 'vitest';
import { BuildOutputParser, type BuildOutputLine } from '../../../electron/engine/docker/build-output';

// The response body of a classic-builder build as the engine sent it (captured from Docker 2x, a RUN
// step writing to both streams, then a RUN step failing): messages end with \r\n, and a RUN step's
// stderr is one message `ESC[91m…ESC[0m` whose reset opens the next line.
const BODY = [
  '{"stream":"Step 1/4 : FROM berth-test/busybox:1"}',
  '{"stream":"\\n"}',
  '{"stream":" ---\\u003e b01420349412\\n"}',
  '{"stream":"Step 2/4 : RUN echo out1 \\u0026\\u0026 printf \'err1\\\\nerr2\\\\n\' \\u003e\\u00262 \\u0026\\u0026 echo out2 \\u0026\\u0026 echo err3 \\u003e\\u00262"}',
  '{"stream":"\\n"}',
  '{"stream":" ---\\u003e Running in 9469dd121e1f\\n"}',
  '{"stream":"out1\\n"}',
  '{"stream":"out2\\n"}',
  '{"stream":"\\u001b[91merr1\\nerr2\\nerr3\\n\\u001b[0m"}',
  '{"stream":"Removing intermediate container 9469dd121e1f\\n"}',
  '{"stream":" ---\\u003e bfee2330c097\\n"}',
  '{"stream":"Step 3/4 : RUN echo bad \\u003e\\u00262 \\u0026\\u0026 exit 3"}',
  '{"stream":"\\n"}',
  '{"stream":" ---\\u003e Running in a4cab6e073a8\\n"}',
  '{"stream":"\\u001b[91mbad\\n\\u001b[0m"}',
  '{"stream":"Removing intermediate container a4cab6e073a8\\n"}',
  '{"errorDetail":{"code":3,"message":"The command \'/bin/sh -c echo bad \\u003e\\u00262 \\u0026\\u0026 exit 3\' returned a non-zero code: 3"},"error":"The command \'/bin/sh -c echo bad \\u003e\\u00262 \\u0026\\u0026 exit 3\' returned a non-zero code: 3"}',
]
  .map((message) => `${message}\r\n`)
  .join('');

const EXPECTED: BuildOutputLine[] = [
  { stream: 'stdout', text: 'Step 1/4 : FROM berth-test/busybox:1' },
  { stream: 'stdout', text: ' ---> b01420349412' },
  { stream: 'stdout', text: "Step 2/4 : RUN echo out1 && printf 'err1\\nerr2\\n' >&2 && echo out2 && echo err3 >&2" },
  { stream: 'stdout', text: ' ---> Running in 9469dd121e1f' },
  { stream: 'stdout', text: 'out1' },
  { stream: 'stdout', text: 'out2' },
  { stream: 'stderr', text: '\x1b[91merr1' },
  { stream: 'stderr', text: 'err2' },
  { stream: 'stderr', text: 'err3' },
  { stream: 'stdout', text: '\x1b[0mRemoving intermediate container 9469dd121e1f' },
  { stream: 'stdout', text: ' ---> bfee2330c097' },
  { stream: 'stdout', text: 'Step 3/4 : RUN echo bad >&2 && exit 3' },
  { stream: 'stdout', text: ' ---> Running in a4cab6e073a8' },
  { stream: 'stderr', text: '\x1b[91mbad' },
  { stream: 'stdout', text: '\x1b[0mRemoving intermediate container a4cab6e073a8' },
];
const ERROR = "The command '/bin/sh -c echo bad >&2 && exit 3' returned a non-zero code: 3";

function parse(chunks: readonly (string | Buffer)[]): { lines: BuildOutputLine[]; errors: string[]; ids: string[] } {
  const lines: BuildOutputLine[] = [];
  const errors: string[] = [];
  const ids: string[] = [];
  const parser = new BuildOutputParser({ line: (line) => lines.push(line), error: (message) => errors.push(message), imageId: (id) => ids.push(id) });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { lines, errors, ids };
}

describe('BuildOutputParser', () => {
  it("stores a RUN step's ESC[91m block as stderr, bytes unchanged, and the line its reset opens as stdout", () => {
    const { lines, errors } = parse([BODY]);
    expect(lines).toEqual(EXPECTED);
    expect(errors).toEqual([ERROR]);
  });

  it('gives the same lines whatever the chunk boundaries (inside a message, an escape, a UTF-8 character)', () => {
    const bytes = Buffer.from(BODY, 'utf8');
    for (const size of [1, 2, 3, 7, 16, 61, 200]) {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
      expect(parse(chunks).lines, `chunks of ${size} bytes`).toEqual(EXPECTED);
    }
  });

  it('keeps the red state across messages: a block split over several messages and lines stays stderr until the reset', () => {
    const body = [
      { stream: 'compiling\n' },
      { stream: '\x1b[91mwarning: deprecated' },
      { stream: ' API\nnpm ERR! code E' },
      { stream: 'RESOLVE\n' },
      { stream: 'npm ERR! ✗ peer dep\n' },
      { stream: '\x1b[0m' },
      { stream: 'done\n' },
      { stream: ' ---> 0123456789ab\n' },
      { aux: { ID: 'sha256:abc' } },
    ]
      .map((message) => `${JSON.stringify(message)}\r\n`)
      .join('');
    const { lines, ids } = parse([body.slice(0, 40), body.slice(40, 41), body.slice(41)]);
    expect(lines).toEqual([
      { stream: 'stdout', text: 'compiling' },
      { stream: 'stderr', text: '\x1b[91mwarning: deprecated API' },
      { stream: 'stderr', text: 'npm ERR! code ERESOLVE' },
      { stream: 'stderr', text: 'npm ERR! ✗ peer dep' },
      { stream: 'stdout', text: '\x1b[0mdone' },
      { stream: 'stdout', text: ' ---> 0123456789ab' },
    ]);
    expect(ids).toEqual(['sha256:abc']);
  });

  it('other colours in stdout do not switch streams, and a reset inside a red line ends the block for the next line', () => {
    const body = [{ stream: '\x1b[32mPASS\x1b[0m tests\n' }, { stream: '\x1b[91mfail\x1b[0m\n' }, { stream: 'after\n' }].map((message) => `${JSON.stringify(message)}\n`).join('');
    expect(parse([body]).lines).toEqual([
      { stream: 'stdout', text: '\x1b[32mPASS\x1b[0m tests' },
      { stream: 'stderr', text: '\x1b[91mfail\x1b[0m' },
      { stream: 'stdout', text: 'after' },
    ]);
  });
});
