/**
 * Labels on every container Berth creates, so events and reconciliation can find them. Images are not labelled
 * (the classic builder commits a container per label); Berth before that put berth.managed and berth.project on
 * the images it built, and image retention still looks the latter up (targets/docker/image-retention.ts).
 */
export const BERTH_LABEL = 'berth.managed';
export const DEPLOYMENT_LABEL = 'berth.deployment';
export const PROJECT_LABEL = 'berth.project';
export const RELEASE_LABEL = 'berth.release';

export const containerNameFor = (deploymentId: string): string => `berth-${deploymentId}`;

export function berthLabels(deploymentId: string, projectId: string, releaseId?: string): Record<string, string> {
  return {
    [BERTH_LABEL]: 'true',
    [DEPLOYMENT_LABEL]: deploymentId,
    [PROJECT_LABEL]: projectId,
    ...(releaseId ? { [RELEASE_LABEL]: releaseId } : {}),
  };
}

