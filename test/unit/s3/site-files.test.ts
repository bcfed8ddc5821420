import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CACHE_HASHED,
  CACHE_HTML,
  CACHE_OTHER,
  cacheControlFor,
  contentTypeFor,
  expectedEtag,
  isHashedName,
  planSync,
  type SiteFile,
} from '../../../electron/engine/targets/s3/site-files';

describe('isHashedName', () => {
  it.each([
    'assets/app.3f9a1c2b.js',
    'static/js/main.3f9a1c2b.chunk.js',
    'static/css/main.0a1b2c3d4e5f6071.css',
    'assets/index-BrXS0ed8.js',
    'assets/vendor-D_x-9aQ2.css',
    'index-Cq3kP9zA.css',
  ])('%s carries a content hash', (name) => expect(isHashedName(name)).toBe(true));

  it.each([
    'index.html',
    'app.js',
    'jquery-3.6.0.min.js',
    'my-component.js',
    'page-about123.js',
    'logs/20240101.txt',
    'deadbeef/app.js',
    'fonts/Roboto-Regular2024.woff2',
    'abcdefab.js',
  ])('%s does not', (name) => expect(isHashedName(name)).toBe(false));
});

describe('cacheControlFor', () => {
  it('HTML is revalidated, hashed assets are immutable for a year, the rest five minutes', () => {
    expect(cacheControlFor('index.html')).toBe(CACHE_HTML);
    expect(cacheControlFor('docs/page.htm')).toBe(CACHE_HTML);
    // A hashed HTML file is still HTML: it names the assets.
    expect(cacheControlFor('index.3f9a1c2b.html')).toBe(CACHE_HTML);
    expect(cacheControlFor('assets/index-BrXS0ed8.js')).toBe(CACHE_HASHED);
    expect(cacheControlFor('app.3f9a1c2b.js')).toBe(CACHE_HASHED);
    expect(cacheControlFor('favicon.ico')).toBe(CACHE_OTHER);
    expect(cacheControlFor('robots.txt')).toBe(CACHE_OTHER);
    expect(CACHE_HASHED).toBe('public, max-age=31536000, immutable');
    expect(CACHE_OTHER).toBe('public, max-age=300');
  });
});

describe('contentTypeFor', () => {
  it('by extension, with a charset for text, binary when unknown', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/app.3f9a1c2b.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('style.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('data.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('photo.PNG')).toBe('image/png');
    expect(contentTypeFor('LICENSE')).toBe('application/octet-stream');
    expect(contentTypeFor('blob.unknownext')).toBe('application/octet-stream');
  });
});

describe('expectedEtag', () => {
  it('is the MD5 below the multipart threshold, the MD5 of the parts’ MD5s with their count from it on', () => {
    const small = Buffer.from('hello');
    expect(expectedEtag(small)).toBe(createHash('md5').update(small).digest('hex'));
    const big = Buffer.alloc(25, 7);
    const md5 = (b: Buffer): Buffer => createHash('md5').update(b).digest();
    const parts = [big.subarray(0, 10), big.subarray(10, 20), big.subarray(20)];
    expect(expectedEtag(big, 10, 10)).toBe(`${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3`);
  });
});

describe('planSync', () => {
  const file = (path: string, etag = `e-${path}`, size = 1): SiteFile => ({ path, etag, size });
  it('uploads new and changed files, skips identical ones, deletes keys under the prefix the release lacks', () => {
    const plan = planSync(
      [file('index.html'), file('a.js'), file('b.css', 'new'), file('c.png', 'same', 2)],
      [
        { key: 'site/a.js', etag: '"e-a.js"', size: 1 },
        { key: 'site/b.css', etag: '"old"', size: 1 },
        { key: 'site/c.png', etag: '"same"', size: 3 },
        { key: 'site/gone.txt', etag: '"x"', size: 1 },
        { key: 'other/keep.txt', etag: '"x"', size: 1 },
      ],
      'site/',
    );
    expect(plan.upload.map((f) => f.path)).toEqual(['index.html', 'b.css', 'c.png']);
    expect(plan.unchanged.map((f) => f.path)).toEqual(['a.js']);
    expect(plan.delete).toEqual(['site/gone.txt']);
  });

  it('at the bucket root every other key is stale', () => {
    expect(planSync([file('index.html')], [{ key: 'old/x.html', etag: '"1"', size: 1 }], '').delete).toEqual(['old/x.html']);
  });
});
