import type Dockerode from 'dockerode';
import { withDockerTimeout } from './call';

/** The part of Docker's image list the Disk panel reads. */
export interface ListedImage {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null;
  readonly Size: number;
}

export interface SlugImages {
  readonly count: number;
  readonly bytes: number;
}

/** Berth's own builds are tagged `berth/<slug>:<run id>` (targets/docker/docker-steps.ts). */
const BERTH_TAG = /^berth\/([^:/]+):/;

/** Images Berth built, per project slug: each image once per slug, however many of its tags name it. */
export function berthImagesBySlug(images: readonly ListedImage[]): Map<string, SlugImages> {
  const seen = new Map<string, Set<string>>();
  const bySlug = new Map<string, SlugImages>();
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      const slug = BERTH_TAG.exec(tag)?.[1];
      if (!slug) continue;
      const ids = seen.get(slug) ?? new Set<string>();
      seen.set(slug, ids);
      if (ids.has(image.Id)) continue;
      ids.add(image.Id);
      const total = bySlug.get(slug) ?? { count: 0, bytes: 0 };
      bySlug.set(slug, { count: total.count + 1, bytes: total.bytes + Math.max(0, image.Size) });
    }
  }
  return bySlug;
}

/** A tag part as Berth writes it: lower case, anything but [a-z0-9_.-] as `-`. */
export const tagPart = (text: string): string => text.toLowerCase().replace(/[^a-z0-9_.-]/g, '-');

/** The repository of a Compose stack service's builds, `berth/<slug>-<service>` (targets/compose/stack-steps.ts). */
export const stackImageRepo = (slug: string, service: string): string => `berth/${tagPart(slug)}-${tagPart(service)}`;

/**
 * A project's images in the Disk panel: its own `berth/<slug>:` builds plus, for a Compose stack, each built
 * service's `berth/<slug>-<service>:` builds (the services its deployments know).
 */
export function projectImageUsage(bySlug: ReadonlyMap<string, SlugImages>, slug: string, stackServices: readonly string[]): SlugImages {
  const keys = new Set([slug, ...stackServices.map((service) => stackImageRepo(slug, service).slice('berth/'.length))]);
  let count = 0;
  let bytes = 0;
  for (const key of keys) {
    const images = bySlug.get(key);
    count += images?.count ?? 0;
    bytes += images?.bytes ?? 0;
  }
  return { count, bytes };
}

/** Docker's list of the images whose reference starts with `berth/`. */
export async function listBerthImages(docker: Dockerode): Promise<ListedImage[]> {
  return withDockerTimeout(docker.listImages({ filters: { reference: ['berth/*'] } }), 'an image list');
}
