import { existsSync, statSync } from 'node:fs';
import { projectSettingsSchema, type Project, type ProjectSettings } from '../../../../shared';
import { redact } from '../../logger';
import { toProjectView, type ProjectRecord } from '../../store/projects';
import { redactCredentials, sealCredentials } from '../../secrets/aws-credentials';
import { refusedSecretMessage } from '../../secrets/secret-vault';
import type { HandlerContext } from './handler-context';
import { EngineError, notFound } from '../../engine-error';
import type { Handlers } from '../dispatcher';

type ProjectHandlers = Pick<Handlers, 'listProjects' | 'getProject' | 'createProject' | 'updateProject' | 'deleteProject' | 'setAwsCredentials' | 'clearAwsCredentials'>;

export function requireProject(engine: HandlerContext, reference: string): ProjectRecord {
  const project = engine.store.projects.find(reference);
  if (!project) throw notFound('project', reference);
  return project;
}

/**
 * A well-formed path that names no folder here is a conflict with the machine's state (409), not bad input:
 * the same request succeeds once the folder exists. The field still names sourceDir for the form.
 */
function checkSourceDir(sourceDir: string): void {
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new EngineError('CONFLICT', `sourceDir: "${sourceDir}" is not a directory on this machine. Give the absolute path of the project folder.`, 'sourceDir');
  }
}

/** Secret values sent back as null (the view hides them) keep their stored value. */
function mergeSecrets(previous: ProjectSettings, next: ProjectSettings): ProjectSettings {
  return {
    ...next,
    env: next.env.map((variable) => {
      if (!variable.secret || variable.value !== '') return variable;
      const kept = previous.env.find((old) => old.name === variable.name && old.secret);
      return kept ? { ...variable, value: kept.value } : variable;
    }),
  };
}

/** A patch's null clears an optional setting: drop the key so the schema sees it as absent. */
function withoutNulls(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== null));
}

function registerSecrets(settings: ProjectSettings): void {
  for (const variable of settings.env) if (variable.secret) redact(variable.value);
}

export function projectHandlers(engine: HandlerContext): ProjectHandlers {
  const changed = (projectId: string | null) => engine.events.emit('projectsChanged', { projectId });
  const activeRuns = (projectId: string) => engine.store.runs.listActive().filter((run) => run.projectId === projectId);
  /** The transport view, with the hint of stored AWS keys (never the keys). */
  const view = (project: ProjectRecord, hint = engine.store.secrets.awsCredentials(project.id)?.accessKeyIdHint): Project => ({
    ...toProjectView(project),
    awsCredentials: hint === undefined ? null : { accessKeyIdHint: hint },
  });
  return {
    listProjects: () => {
      const hints = engine.store.secrets.awsCredentialHints();
      return engine.store.projects.list().map((project) => view(project, hints.get(project.id)));
    },
    getProject: ({ id }) => view(requireProject(engine, id)),
    createProject: (input) => {
      checkSourceDir(input.sourceDir);
      registerSecrets(input.settings);
      const project = engine.store.projects.create(input);
      changed(project.id);
      return view(project);
    },
    updateProject: ({ id, ...patch }) => {
      const current = requireProject(engine, id);
      if (patch.sourceDir) checkSourceDir(patch.sourceDir);
      const settings = patch.settings
        ? mergeSecrets(current.settings, projectSettingsSchema.parse(withoutNulls({ ...current.settings, ...patch.settings })))
        : current.settings;
      registerSecrets(settings);
      const updated = engine.store.projects.update(current.id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.sourceDir !== undefined ? { sourceDir: patch.sourceDir } : {}),
        ...(patch.target !== undefined ? { target: patch.target } : {}),
        settings,
      })!;
      changed(updated.id);
      return view(updated);
    },
    deleteProject: async ({ id }) => {
      const project = requireProject(engine, id);
      const deployments = engine.store.deployments.listForProject(project.id);
      for (const deployment of deployments) {
        if (deployment.containerId || deployment.taskArn) await engine.controller.stopDeployment(deployment.id);
      }
      // A run still going would go on writing to the rows deleted below, and the engine fails on that: each is
      // stopped first and waited for (as long as its current step takes to notice). Checked again after every
      // wait, and last with nothing awaited before the delete, so a deploy that came in meanwhile is stopped too.
      for (let active = activeRuns(project.id); active.length > 0; active = activeRuns(project.id)) {
        for (const run of active) await engine.controller.stop(run.id);
      }
      const deleted = engine.store.projects.delete(project.id);
      changed(project.id);
      // What the targets kept on disk for its deployments (a stack's files, a site's artifacts) goes once each stop is done.
      for (const deployment of deployments) void engine.controller.forget(deployment);
      return { deleted };
    },
    setAwsCredentials: ({ id, ...credentials }) => {
      const project = requireProject(engine, id);
      // Registered before anything can fail, so no later log line or error can carry them.
      redactCredentials(credentials);
      if (!engine.vault.available) throw new EngineError('SECRETS_UNAVAILABLE', refusedSecretMessage(engine.vault.unavailableReason));
      const { sealed, accessKeyIdHint } = sealCredentials(engine.vault, credentials);
      engine.store.secrets.setAwsCredentials(project.id, sealed, accessKeyIdHint);
      changed(project.id);
      return { stored: true as const, accessKeyIdHint };
    },
    clearAwsCredentials: ({ id }) => {
      const project = requireProject(engine, id);
      if (engine.store.secrets.clearAwsCredentials(project.id)) changed(project.id);
      return { stored: false as const };
    },
  };
}
