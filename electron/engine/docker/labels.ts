/** Labels on every container Berth creates, so events and reconciliation can find them (and on the images its Docker builds make). */
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

/**
 * Labels on the image a Docker run builds, so image retention can tell Berth's images of a project from
 * anyone else's (the classic builder puts them on the final image only, not on the intermediate layers).
 * Nothing run-specific: a redeploy of unchanged sources still gets the same image from the layer cache.
 */
export function imageLabels(projectId: string): Record<string, string> {
  return { [BERTH_LABEL]: 'true', [PROJECT_LABEL]: projectId };
}
