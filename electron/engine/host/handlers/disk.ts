import type { DiskUsage } from '../../../../shared';
import { dockerErrorText } from '../../docker/call';
import { berthImagesBySlug, listBerthImages, projectImageUsage, type SlugImages } from '../../docker/images';
import { databaseFileUsage, logUsageByProject } from '../../store/disk-usage';
import { siteArtifactsRoot, SiteArtifacts } from '../../targets/s3/site-artifact';
import type { Handlers } from '../dispatcher';
import { loadRetentionSettings } from '../retention-job';
import type { HandlerContext } from './handler-context';

/** The Disk panel's numbers (docs/product-rules.md, "Disk usage"). */
export function diskHandlers(engine: HandlerContext): Pick<Handlers, 'getDiskUsage'> {
  return {
    getDiskUsage: async (): Promise<DiskUsage> => {
      let images: Map<string, SlugImages> = new Map();
      let imageStatus: DiskUsage['images'] = { available: true, error: null };
      try {
        images = berthImagesBySlug(await listBerthImages(engine.docker));
      } catch (error) {
        imageStatus = { available: false, error: `Docker did not list its images: ${dockerErrorText(error)}` };
      }
      const artifacts = new SiteArtifacts(siteArtifactsRoot(engine.config.dataDir));
      return {
        database: databaseFileUsage(engine.store.db),
        logBudgetBytes: loadRetentionSettings(engine.store).logBudgetBytes,
        images: imageStatus,
        projects: await Promise.all(
          logUsageByProject(engine.store.db).map(async (project) => {
            const deployments = engine.store.deployments.listForProject(project.projectId);
            const services = deployments.flatMap((deployment) => (deployment.services ?? []).map((service) => service.name));
            const own = projectImageUsage(images, project.slug, services);
            // Only an S3 deployment keeps site files: other projects cost no folder reads.
            const sites = await artifacts.usage(deployments.filter((deployment) => deployment.target === 's3').map((deployment) => deployment.id));
            return { ...project, imageCount: own.count, imageBytes: own.bytes, artifactCount: sites.count, artifactBytes: sites.bytes };
          }),
        ),
      };
    },
  };
}
