// The `compose-v5` vitest project runs the stack tests again with Compose v5 as the `docker compose` plugin
// (scripts/provision.js builds it into its own Docker config dir, which the project's DOCKER_CONFIG names).
export default async function setup(): Promise<void> {
  // @ts-expect-error plain JS module without types
  const { ensureComposeV5 } = (await import('../../scripts/provision.js')) as { ensureComposeV5: () => string };
  ensureComposeV5();
}
