// Integration and e2e tests need the Docker engine and the base image; provision them once per run
// (vitest's and Playwright's globalSetup both call this).
export default async function setup(): Promise<void> {
  // @ts-expect-error plain JS module without types
  const { provision } = (await import('../../scripts/provision.js')) as { provision: (parts: string[]) => Promise<void> };
  await provision(['docker']);
}
