// Image retention for Docker deployments (docs/product-rules.md, "Retention"). Every Docker run that builds
// makes an image tagged `berth/<slug>:<runId>` (runImageTagOf); after a successful deploy or redeploy the
// project's older Berth-built images are removed so disk use stays bounded. Kept: the images of the last
// `keepReleases` releases (the new one counts), the release that was serving when the run started, and any
// image a container uses (Docker would refuse anyway). Removed: the images of older releases, the images of
// the deployment's other runs (a run whose build succeeded and whose verify failed has an image and no
// release), found by their run tags from the store, and images labelled berth.project=<id> (Berth no longer
// labels the images it builds: the classic builder commits a container per label; older versions did), tagged
// or dangling. Only Berth's own tags `berth/<slug>:…` are removed: a prebuilt image or a tag the user added is
// never touched. A release whose image is gone is marked, so it is not offered for rollback. Pruning never
// fails the run: the caller logs an error as a system line. A Compose stack's release tags follow the same
// rule (pruneStackImages).
import type Dockerode from 'dockerode';
import type { Release, ReleaseService } from '../../../../shared';
import { dockerErrorText, isDockerNotFound, withDockerTimeout } from '../../docker/call';
import { PROJECT_LABEL } from '../../docker/labels';

export interface ImageRetentionCall {
  readonly docker: Dockerode;
  readonly projectId: string;
  readonly slug: string;
  /** How many releases keep their image, the new one included. */
  readonly keep: number;
  /** The deployment's stored releases, newest first (the run's new release is not stored yet). */
  readonly releases: readonly Release[];
  /** Every run of the deployment (the current one included): each run's build tag is a candidate. */
  readonly runIds: readonly string[];
  /** The image the run just put live. */
  readonly live: { readonly imageRef?: string; readonly imageId?: string };
  /** The release that served when the run started (kept even when older than the last `keep`). */
  readonly servingReleaseId: string | null;
  markImageRemoved(releaseId: string): void;
  /** A system line for the run's log. */
  log(text: string): void;
}

export interface RetentionPlan {
  /** Releases whose image stays. */
  readonly kept: readonly Release[];
  /** Releases whose Berth-built image goes (not yet marked as removed). */
  readonly pruned: readonly Release[];
}

/** Berth's own tag prefix for a project's images. */
export const imageRepositoryOf = (slug: string): string => `berth/${slug}`;

/** The tag a Docker run's build gives its image: `berth/<slug>:<runId>`, with what a tag cannot hold left out. */
export const runImageTagOf = (slug: string, runId: string): string => `${imageRepositoryOf(slug)}:${runId.replace(/[^a-z0-9_.-]/g, '')}`;

/**
 * Which stored releases keep their image (or, on S3, their site artifact): the newest `keep - 1` (the live
 * one is the `keep`-th) and the serving one. Only releases whose imageRef starts with `ownedPrefix` (what
 * Berth made: `berth/<slug>:`, `s3-artifact:`) are pruned.
 */
export function planRetention(releases: readonly Release[], keep: number, servingReleaseId: string | null, ownedPrefix: string): RetentionPlan {
  const newest = releases.slice(0, Math.max(0, keep - 1));
  const kept = releases.filter((release) => newest.includes(release) || release.id === servingReleaseId);
  const prefix = ownedPrefix;
  const pruned = releases.filter((release) => !kept.includes(release) && !release.imageRemoved && release.imageRef.startsWith(prefix));
  return { kept, pruned };
}

/** Removes the project's images that retention does not keep; returns the tags and ids it removed. */
export async function pruneProjectImages(call: ImageRetentionCall): Promise<string[]> {
  const { docker, slug } = call;
  const prefix = `${imageRepositoryOf(slug)}:`;
  const plan = planRetention(call.releases, call.keep, call.servingReleaseId, prefix);
  const keepIds = new Set<string>();
  const keepRefs = new Set<string>();
  for (const release of plan.kept) {
    if (release.imageId) keepIds.add(release.imageId);
    keepRefs.add(release.imageRef);
  }
  if (call.live.imageId) keepIds.add(call.live.imageId);
  if (call.live.imageRef) keepRefs.add(call.live.imageRef);
  // A kept tag's image is kept by id too (a release stored without its id).
  for (const ref of keepRefs) {
    if (!ref.startsWith(prefix)) continue;
    const id = await imageIdOf(docker, ref);
    if (id) keepIds.add(id);
  }

  const containers = await withDockerTimeout(docker.listContainers({ all: true }), 'a container listing');
  const inUse = new Set(containers.map((info) => info.ImageID));

  // Candidates: the images holding a tag of one of the deployment's runs, the images labelled with the project
  // (by Berth versions that labelled their builds) and the images of the releases retention drops.
  const runTags = new Set(call.runIds.map((runId) => runImageTagOf(slug, runId)));
  const [tagged, labelled] = await Promise.all([
    withDockerTimeout(docker.listImages({ filters: { reference: [imageRepositoryOf(slug)] } }), 'an image listing'),
    withDockerTimeout(docker.listImages({ filters: { label: [`${PROJECT_LABEL}=${call.projectId}`] } }), 'an image listing'),
  ]);
  const candidates = new Set<string>();
  for (const image of labelled) candidates.add(image.Id);
  const labelledIds = new Set(candidates);
  for (const image of tagged) if ((image.RepoTags ?? []).some((tag) => runTags.has(tag))) candidates.add(image.Id);
  // On an unlabelled image only the tags of this deployment's runs and releases are Berth's to remove: another
  // data dir may have a project with the same slug.
  const ownTags = new Set([...runTags, ...call.releases.map((release) => release.imageRef)]);
  for (const release of plan.pruned) {
    const id = release.imageId ?? (await imageIdOf(docker, release.imageRef));
    if (id) candidates.add(id);
  }

  const removed: string[] = [];
  for (const id of candidates) {
    const current = await inspectImage(docker, id);
    if (!current) continue;
    const tags = (current.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
    const dropped = tags.filter((tag) => tag.startsWith(prefix) && !keepRefs.has(tag) && (labelledIds.has(id) || ownTags.has(tag)));
    let targets: string[];
    if (keepIds.has(id) || inUse.has(id)) {
      // The image stays (a kept release or a container has it): only the tags of dropped releases go
      // (unchanged sources give one image several tags), and never its last tag.
      targets = dropped.length < tags.length ? dropped : [];
    } else {
      // Untag Berth's tags (the last one removes the image; a tag the user added keeps it); an image
      // with no tag at all (dangling) goes by its id.
      targets = tags.length === 0 ? [id] : dropped;
    }
    for (const target of targets) {
      try {
        await withDockerTimeout(docker.getImage(target).remove(), 'an image removal');
        removed.push(target === id ? `${id.replace(/^sha256:/, '').slice(0, 12)} (untagged)` : target);
      } catch (error) {
        if (!isDockerNotFound(error)) call.log(`[RETENTION] could not remove image ${target}: ${dockerErrorText(error)}`);
      }
    }
  }

  // Releases whose image is gone now (or was already) are no longer rollback candidates.
  for (const release of plan.pruned) {
    if (!(await inspectImage(docker, release.imageId ?? release.imageRef))) call.markImageRemoved(release.id);
  }
  return removed;
}

export interface StackRetentionCall {
  readonly docker: Dockerode;
  readonly keep: number;
  /** The deployment's stored releases, newest first (the run's new release is not stored yet). */
  readonly releases: readonly Release[];
  /** The built services' images the run just put live. */
  readonly live: readonly ReleaseService[];
  readonly servingReleaseId: string | null;
  markImageRemoved(releaseId: string): void;
  log(text: string): void;
}

/**
 * A Compose stack's retention: the release tags (`berth/<slug>-<service>:<run>`) of the releases beyond the last
 * `keep` (and not serving) are removed. An image a kept release, the live run or a container still uses loses
 * only the dropped tags (an unchanged service shares one image across releases), never its last tag; any other
 * image goes with its last tag. Only the tags the releases recorded are touched, never `:live` or the user's.
 */
export async function pruneStackImages(call: StackRetentionCall): Promise<string[]> {
  const { docker } = call;
  const newest = call.releases.slice(0, Math.max(0, call.keep - 1));
  const kept = call.releases.filter((release) => newest.includes(release) || release.id === call.servingReleaseId);
  const pruned = call.releases.filter((release) => !kept.includes(release) && !release.imageRemoved && (release.services?.length ?? 0) > 0);
  if (pruned.length === 0) return [];
  const keptServices = [...kept.flatMap((release) => release.services ?? []), ...call.live];
  const keepRefs = new Set(keptServices.map((service) => service.imageRef));
  const keepIds = new Set(keptServices.flatMap((service) => (service.imageId ? [service.imageId] : [])));
  const containers = await withDockerTimeout(docker.listContainers({ all: true }), 'a container listing');
  const inUse = new Set(containers.map((info) => info.ImageID));
  const removed: string[] = [];
  for (const release of pruned) {
    for (const service of release.services ?? []) {
      const ref = service.imageRef;
      if (!ref.startsWith('berth/') || ref.endsWith(':live') || keepRefs.has(ref)) continue;
      const image = await inspectImage(docker, ref);
      if (!image) continue;
      const held = keepIds.has(image.Id) || inUse.has(image.Id);
      if (held && (image.RepoTags ?? []).length <= 1) continue;
      try {
        await withDockerTimeout(docker.getImage(ref).remove(), 'an image removal');
        removed.push(ref);
      } catch (error) {
        if (!isDockerNotFound(error)) call.log(`[RETENTION] could not remove image ${ref}: ${dockerErrorText(error)}`);
      }
    }
    // A release with a service image gone can no longer be rolled back to.
    for (const service of release.services ?? []) {
      if (!service.imageRef.startsWith('berth/')) continue;
      if (!(await inspectImage(docker, service.imageId ?? service.imageRef))) {
        call.markImageRemoved(release.id);
        break;
      }
    }
  }
  return removed;
}

async function inspectImage(docker: Dockerode, reference: string): Promise<Dockerode.ImageInspectInfo | undefined> {
  try {
    return await withDockerTimeout(docker.getImage(reference).inspect(), 'an image inspect');
  } catch (error) {
    if (isDockerNotFound(error)) return undefined;
    throw error;
  }
}

async function imageIdOf(docker: Dockerode, reference: string): Promise<string | undefined> {
  return (await inspectImage(docker, reference))?.Id;
}
