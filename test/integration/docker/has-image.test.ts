import { describe, expect, it } from 'vitest';
import { hasImage } from '../../../electron/engine/docker/pull';
import { BASE_IMAGE } from '../monitor/monitor-fixture';
import { docker } from '../pipeline/support';

// Before a zero-config build Berth pulls a base image it lacks; Docker's inspect also answers for the start of
// any image's ID, so a base image setting such as "0" would skip the pull and build FROM an unrelated image.
describe('hasImage on the real Docker engine', () => {
  it('finds an image by its name and its full ID, and not by a short prefix of its ID', async () => {
    const image = await docker.getImage(BASE_IMAGE).inspect();
    const id = image.Id.replace(/^sha256:/, '');
    expect(await hasImage(docker, BASE_IMAGE)).toBe(true);
    expect(await hasImage(docker, id)).toBe(true);
    // Docker itself resolves the prefix, which is what the check must not take.
    expect((await docker.getImage(id.slice(0, 8)).inspect()).Id).toBe(image.Id);
    expect(await hasImage(docker, id.slice(0, 8))).toBe(false);
    expect(await hasImage(docker, 'berth-test/no-such-image:0')).toBe(false);
  });
});
