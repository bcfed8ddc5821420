// A project's S3 block with Berth's defaults filled in, and the addresses a published site is reached at
// (docs/product-rules.md, "Static sites on S3").
import type { S3Settings } from '../../../shared';
import type { ProjectRecord } from '../store/projects';
import { StepFailure } from '../step-failure';

export interface ResolvedS3Settings {
  readonly bucket: string;
  /** '' (the bucket's root) or folder names ending in '/': `site/`. Every key of the site starts with it. */
  readonly prefix: string;
  /** S3's folder suffix: the website's `indexDocument`, else `index.html`. */
  readonly indexDocument: string;
  /** Static website hosting, when the settings ask for it. */
  readonly website: S3Settings['website'] | null;
  readonly createBucket: boolean;
  /** The user's own address for the site (a CDN, a domain), or null. */
  readonly publicUrl: string | null;
}

export const DEFAULT_INDEX_DOCUMENT = 'index.html';

/** A prefix as keys use it: no leading '/', one trailing '/', '' for the root. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

export function resolveS3Settings(project: Pick<ProjectRecord, 'settings'>): ResolvedS3Settings {
  const s3 = project.settings.s3;
  if (!s3) {
    throw new StepFailure(
      'AUTHENTICATION_FAILED',
      'The project has no S3 settings: set settings.s3.bucket (and optionally prefix, region, profile, website) in the project form or with `berth projects update`, then deploy again.',
    );
  }
  return {
    bucket: s3.bucket,
    prefix: normalizePrefix(s3.prefix),
    indexDocument: s3.website?.indexDocument ?? DEFAULT_INDEX_DOCUMENT,
    website: s3.website ?? null,
    createBucket: s3.createBucket ?? false,
    publicUrl: s3.publicUrl ?? null,
  };
}

// Regions whose website endpoints are `s3-website-<region>` (dash); the others use `s3-website.<region>` (dot).
const DASH_WEBSITE_REGIONS = new Set(['us-east-1', 'us-west-1', 'us-west-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-west-1', 'sa-east-1', 'us-gov-west-1']);

/**
 * Where the site's folder is served. With an endpoint override (an emulator), path-style under it:
 * `<endpoint>/<bucket>/<prefix>`. Else, with website hosting, the bucket's website endpoint; without it,
 * the REST endpoint (objects readable only when the bucket allows it).
 */
export function siteBaseUrl(settings: Pick<ResolvedS3Settings, 'bucket' | 'prefix' | 'website'>, region: string, endpoint: string | null): string {
  const path = settings.prefix.split('/').map(encodeURIComponent).join('/');
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${settings.bucket}/${path}`;
  if (settings.website) {
    const host = DASH_WEBSITE_REGIONS.has(region) ? `s3-website-${region}` : `s3-website.${region}`;
    return `http://${settings.bucket}.${host}.amazonaws.com/${path}`;
  }
  return `https://${settings.bucket}.s3.${region}.amazonaws.com/${path}`;
}

/**
 * The URL Berth shows for the site: the user's publicUrl; else the website endpoint's folder (which serves the
 * index document); else the index document's object URL (the REST endpoint does not serve folders).
 */
export function sitePublicUrl(settings: ResolvedS3Settings, region: string, endpoint: string | null): string {
  if (settings.publicUrl) return settings.publicUrl;
  const base = siteBaseUrl(settings, region, endpoint);
  return settings.website && !endpoint ? base : `${base}${settings.indexDocument}`;
}
