/** What the rule needs of `docker image inspect`. */
export interface InspectedImage {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null | undefined;
  readonly RepoDigests?: readonly string[] | null | undefined;
}

/** The shortest image ID prefix Berth takes: the short ID `docker images` prints. */
export const SHORT_IMAGE_ID_LENGTH = 12;

const DEFAULT_REGISTRY = /^(?:docker\.io|index\.docker\.io)\/(?:library\/)?/;

function normalized(reference: string): string {
  return reference.replace(DEFAULT_REGISTRY, '');
}

/** `name` means `name:latest`; a tag sits after the last `/`, so a registry's `host:5000/` is no tag. */
function withTag(reference: string): string {
  const lastSegment = reference.slice(reference.lastIndexOf('/') + 1);
  return reference.includes('@') || lastSegment.includes(':') ? reference : `${reference}:latest`;
}

/**
 * Whether `reference` names `image` by one of its tags, one of its digests, or its ID. Docker also resolves
 * any prefix of an image ID (`0` finds an image whose ID starts with 0), so a short or misspelt name could
 * deploy an unrelated image; Berth takes an ID prefix only from the 12 characters of a short ID up.
 */
export function imageMatchesReference(reference: string, image: InspectedImage): boolean {
  const wanted = withTag(normalized(reference));
  if ((image.RepoTags ?? []).some((tag) => withTag(normalized(tag)) === wanted)) return true;
  if ((image.RepoDigests ?? []).some((digest) => normalized(digest) === normalized(reference))) return true;
  const id = image.Id.replace(/^sha256:/, '');
  const given = reference.replace(/^sha256:/, '');
  return /^[0-9a-f]+$/.test(given) && given.length >= SHORT_IMAGE_ID_LENGTH && id.startsWith(given);
}
