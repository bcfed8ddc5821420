import { existsSync, statSync } from 'node:fs';
import { projectSettingsSchema, type ProjectSettings } from '../../../../shared';
import { redact } from '../../logger';
import { toProjectView, type ProjectRecord } from '../../store/projects';
import type { Engine } from '../engine';
import { EngineError, notFound } from '../engine-error';
import type { Handlers } from '../dispatcher';

type ProjectHandlers = Pick<Handlers, 'listProjects' | 'getProject' | 'createProject' | 'updateProject' | 'deleteProject'>;

export function requireProject(engine: Engine, reference: string): ProjectRecord {
  const project = engine.store.projects.find(reference);
  if (!project) throw notFound('project', reference);
  return project;
}

function checkSourceDir(sourceDir: string): void {
  if (!existsSync(sourceDir) || !statSync(sourceDir).isDirectory()) {
    throw new EngineError('VALIDATION_FAILED', `sourceDir: "${sourceDir}" is not a directory on this machine. Give the absolute path of the project folder.`, 'sourceDir');
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

export function projectHandlers(engine: Engine): ProjectHandlers {
  const changed = (projectId: string | null) => engine.events.emit('projectsChanged', { projectId });
  return {
    listProjects: () => engine.store.projects.list().map(toProjectView),
    getProject: ({ id }) => toProjectView(requireProject(engine, id)),
    createProject: (input) => {
      checkSourceDir(input.sourceDir);
      registerSecrets(input.settings);
      const project = engine.store.projects.create(input);
      changed(project.id);
      return toProjectView(project);
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
      return toProjectView(updated);
    },
    deleteProject: async ({ id }) => {
      const project = requireProject(engine, id);
      for (const deployment of engine.store.deployments.listForProject(project.id)) {
        if (deployment.containerId || deployment.taskArn) await engine.controller.stopDeployment(deployment.id);
      }
      const deleted = engine.store.projects.delete(project.id);
      changed(project.id);
      return { deleted };
    },
  };
}
