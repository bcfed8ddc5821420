import { describe, expect, it } from 'vitest';

interface Provisioning {
  runtimeImageTags: () => Record<string, string>;
  runtimeImageEnv: (tags?: Record<string, string>) => Record<string, string>;
}
async function provisioning(): Promise<Provisioning> {
  // @ts-expect-error plain JS module without types
  return (await import('../../../scripts/provision.js')) as Provisioning;
}

describe('provision: runtime base image tags', () => {
  it('are named by a hash of their recipe, the same on every call, one per BERTH_BASE_IMAGE_* variable', async () => {
    const { runtimeImageTags, runtimeImageEnv } = await provisioning();
    const tags = runtimeImageTags();
    expect(runtimeImageTags()).toEqual(tags);
    expect(tags).toMatchObject({
      debian: expect.stringMatching(/^berth-test\/debian-bookworm:[0-9a-f]{12}$/),
      node: expect.stringMatching(/^berth-test\/runtime-node:[0-9a-f]{12}$/),
      goRuntime: expect.stringMatching(/^berth-test\/runtime-go-runtime:[0-9a-f]{12}$/),
    });
    expect(new Set(Object.values(tags)).size).toBe(Object.keys(tags).length);
    expect(Object.keys(runtimeImageEnv(tags)).sort()).toEqual(['BERTH_BASE_IMAGE_GO', 'BERTH_BASE_IMAGE_GO_RUNTIME', 'BERTH_BASE_IMAGE_NODE', 'BERTH_BASE_IMAGE_PYTHON', 'BERTH_BASE_IMAGE_STATIC']);
  });
});
