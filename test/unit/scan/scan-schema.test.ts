import { describe, expect, it } from 'vitest';
import { scanOverridesSchema, scanRecordSchema, type ScanRecord } from '../../../shared';

const record: ScanRecord = {
  sourceDir: '/p',
  shape: 'server',
  runtime: { name: 'node', version: '20', packageManager: 'npm' },
  dependencyFiles: ['package.json'],
  installCommand: 'npm install',
  buildCommand: null,
  startCommand: 'npm start',
  outputDir: null,
  port: 8080,
  healthPath: null,
  dockerfile: null,
  composeFile: null,
  image: null,
  skippedDirectories: [],
  decisions: [{ topic: 'start', value: 'npm start', evidence: '`package.json` scripts.start = `node a.js`', source: 'detected' }],
  refusal: null,
  buildVerification: { status: 'failed', logExcerpt: 'npm ERR! 404' },
};

describe('scan schemas', () => {
  it('accepts a record and rejects one with neither a shape nor a refusal', () => {
    expect(scanRecordSchema.parse(record)).toEqual(record);
    expect(scanRecordSchema.safeParse({ ...record, shape: null }).success).toBe(false);
    expect(scanRecordSchema.safeParse({ ...record, buildVerification: { status: 'maybe' } }).success).toBe(false);
  });

  it('overrides: paths stay in the folder, images and versions are what a FROM line can hold', () => {
    expect(scanOverridesSchema.parse({ outputDir: 'site/dist', runtimeVersion: '3.12', baseImages: { node: 'registry.local:5000/node:20-slim' } })).toBeTruthy();
    expect(scanOverridesSchema.safeParse({ outputDir: '../elsewhere' }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ outputDir: '/etc' }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ runtimeVersion: '20\nRUN rm -rf /' }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ baseImages: { node: 'node:20 AS x\nRUN id' } }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ baseImages: { ruby: 'ruby:3' } }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ startCommand: '   ' }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ startCommand: 'npm start\nRUN id' }).success).toBe(false);
    expect(scanOverridesSchema.safeParse({ outputDir: 'my site' }).success).toBe(false);
  });
});
