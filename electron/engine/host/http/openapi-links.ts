import { requests, successStatusOf, type RequestName } from '../../../../shared';

type Resource = 'projects' | 'deployments' | 'runs';

/** Where an answer carries the id of a resource: a JSON pointer into its body, per resource. */
const ID_SOURCES: Partial<Record<RequestName, Partial<Record<Resource, string>>>> = {
  listProjects: { projects: '/0/id' },
  createProject: { projects: '/id' },
  deploy: { runs: '/run/id', deployments: '/deployment/id' },
  rollback: { runs: '/run/id' },
  listRuns: { runs: '/0/id', deployments: '/0/deploymentId' },
  getRun: { deployments: '/deploymentId' },
  listDeployments: { deployments: '/0/id', projects: '/0/projectId' },
  getDeployment: { projects: '/projectId' },
};

export interface OpenApiLink {
  readonly operationId: RequestName;
  readonly parameters: { readonly id: string };
}

/** The operations that take the id of `resource` in their path. */
function operationsOn(resource: Resource): RequestName[] {
  const prefix = new RegExp(`^/api/${resource}/:id(?:/|$)`);
  return (Object.keys(requests) as RequestName[]).filter((name) => prefix.test(requests[name].path));
}

/**
 * OpenAPI links: from each answer that carries an id to every operation that takes it, so a reader (and
 * the stateful fuzzer) can see how requests chain, e.g. a deploy's run id into pause, resume and stop.
 * Keyed by operation, then by the status of its success answer.
 */
export function openApiLinks(): Map<RequestName, { status: string; links: Record<string, OpenApiLink> }> {
  const result = new Map<RequestName, { status: string; links: Record<string, OpenApiLink> }>();
  for (const [source, pointers] of Object.entries(ID_SOURCES) as [RequestName, Partial<Record<Resource, string>>][]) {
    const links: Record<string, OpenApiLink> = {};
    for (const [resource, pointer] of Object.entries(pointers) as [Resource, string][]) {
      for (const target of operationsOn(resource)) links[target] = { operationId: target, parameters: { id: `$response.body#${pointer}` } };
    }
    result.set(source, { status: String(successStatusOf(requests[source])), links });
  }
  return result;
}
