import { describe, expect, it } from 'vitest';
import { imageMatchesReference, type InspectedImage } from '../../../electron/engine/docker/image-reference';

const ID = 'sha256:0f27ea42a15ad618742ce34452247f8bb5993b35b536376267921a86b4207d9a';
const image: InspectedImage = {
  Id: ID,
  RepoTags: ['berth-test/busybox:1', 'app:latest', 'registry.local:5000/team/api:2'],
  RepoDigests: ['registry.local:5000/team/api@sha256:1111111111111111111111111111111111111111111111111111111111111111'],
};

describe('imageMatchesReference', () => {
  it('takes a tag, a name meaning :latest, a registry with a port, a digest, a full ID or a short ID', () => {
    for (const reference of [
      'berth-test/busybox:1',
      'app',
      'app:latest',
      'docker.io/library/app:latest',
      'registry.local:5000/team/api:2',
      'registry.local:5000/team/api@sha256:1111111111111111111111111111111111111111111111111111111111111111',
      ID,
      ID.slice(7),
      ID.slice(7, 19),
      'sha256:0f27ea42a15a',
    ]) {
      expect(imageMatchesReference(reference, image), reference).toBe(true);
    }
  });

  it('refuses what Docker resolves only as a short prefix of the ID, and names of other images', () => {
    for (const reference of ['0', '0f', '0f27ea42a15', 'sha256:0f27', 'busybox:1', 'berth-test/busybox', 'registry.local:5000/team/api', 'app:2', '0f27ea42a15ad6x']) {
      expect(imageMatchesReference(reference, image), reference).toBe(false);
    }
    expect(imageMatchesReference('app', { Id: ID, RepoTags: null, RepoDigests: null })).toBe(false);
  });
});
