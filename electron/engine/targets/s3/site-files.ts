// The pure rules of publishing a site (docs/product-rules.md, "Static sites on S3"): each file's
// Content-Type and Cache-Control, which names carry a content hash, the ETag S3 will give a file, and the
// plan of a sync (what to upload, what is unchanged, what to delete once the new files are up).
import { createHash } from 'node:crypto';
import { contentType } from 'mime-types';

export const CACHE_HTML = 'no-cache';
export const CACHE_HASHED = 'public, max-age=31536000, immutable';
export const CACHE_OTHER = 'public, max-age=300';

/** Files this size and up go up as multipart uploads, in parts of this size. */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;
export const MULTIPART_PART_SIZE = 8 * 1024 * 1024;

const baseName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

export const isHtml = (key: string): boolean => /\.html?$/i.test(key);

// A hex content hash (webpack, CRA, Parcel, esbuild: `app.3f9a1c2b.js`, `main.3f9a1c2b.chunk.js`): 8 to 64 hex
// digits with at least one digit and one letter (a date such as 20240101 is no hash), set off by "." or "-".
const HEX_HASH = /[.-]([0-9a-f]{8,64})(?=\.)/g;
// Rollup's and Vite's (`index-BrXS0ed8.js`): 8 base64url characters after the last "-", just before the
// extension, with an upper-case letter and a lower-case letter or digit (`about123` is a word, not a hash).
const BASE64_HASH = /-([A-Za-z0-9_-]{8})\.[A-Za-z0-9]+$/;

/** True when the file's name carries a hash of its content, so a changed file gets a new name. */
export function isHashedName(key: string): boolean {
  const name = baseName(key);
  for (const match of name.matchAll(HEX_HASH)) {
    const hash = match[1]!;
    if (/\d/.test(hash) && /[a-f]/.test(hash)) return true;
  }
  const b64 = BASE64_HASH.exec(name);
  if (!b64) return false;
  // The hash itself may hold "-": take the 8 characters before the extension.
  const hash = b64[1]!;
  return /[A-Z]/.test(hash) && /[a-z0-9]/.test(hash);
}

/** HTML is revalidated on every visit (it names the assets); hashed assets are cached for a year; the rest five minutes. */
export function cacheControlFor(key: string): string {
  if (isHtml(key)) return CACHE_HTML;
  return isHashedName(key) ? CACHE_HASHED : CACHE_OTHER;
}

/** By extension (mime-types), with a charset for text; unknown extensions are binary. */
export function contentTypeFor(key: string): string {
  const name = baseName(key);
  const type = name.includes('.') ? contentType(name) : false;
  return type === false ? 'application/octet-stream' : type;
}

/**
 * The ETag S3 gives an object put with these bytes: the MD5 for a single PUT; for a multipart upload in
 * parts of `partSize`, the MD5 of the parts' MD5s and the part count (`<hex>-<n>`).
 */
export function expectedEtag(bytes: Buffer, partSize = MULTIPART_PART_SIZE, threshold = MULTIPART_THRESHOLD): string {
  if (bytes.length < threshold) return createHash('md5').update(bytes).digest('hex');
  const digests: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += partSize) digests.push(createHash('md5').update(bytes.subarray(offset, offset + partSize)).digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
}

/** One file of a site: its path in the artifact (`assets/app.js`), size and expected ETag. */
export interface SiteFile {
  readonly path: string;
  readonly size: number;
  readonly etag: string;
}

/** An object already under the prefix. */
export interface RemoteObject {
  readonly key: string;
  readonly size: number;
  /** As S3 lists it: quoted. */
  readonly etag: string;
}

export interface SyncPlan {
  /** New or changed files: uploaded. */
  readonly upload: readonly SiteFile[];
  /** Files whose object is already there with the same bytes. */
  readonly unchanged: readonly SiteFile[];
  /** Keys under the prefix that the release does not have: deleted after the uploads. */
  readonly delete: readonly string[];
}

const unquote = (etag: string): string => etag.replace(/^W\//, '').replace(/^"|"$/g, '');

/** Compares the release's files with what is under the prefix. */
export function planSync(files: readonly SiteFile[], remote: readonly RemoteObject[], prefix: string): SyncPlan {
  const byKey = new Map(remote.map((object) => [object.key, object]));
  const upload: SiteFile[] = [];
  const unchanged: SiteFile[] = [];
  const wanted = new Set<string>();
  for (const file of files) {
    const key = `${prefix}${file.path}`;
    wanted.add(key);
    const there = byKey.get(key);
    if (there && there.size === file.size && unquote(there.etag) === file.etag) unchanged.push(file);
    else upload.push(file);
  }
  const stale = remote.filter((object) => object.key.startsWith(prefix) && !wanted.has(object.key)).map((object) => object.key);
  return { upload, unchanged, delete: stale };
}
