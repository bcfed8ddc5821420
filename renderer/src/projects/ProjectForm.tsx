import { useEffect, useId, useState, type ReactNode } from 'react';
import { BASE_IMAGE_ROLES, DEFAULT_KEEP_RELEASES, RESTART_POLICIES, type ApiError, type BaseImageRole, type Project, type ProjectCreate, type RestartPolicy, type ScanRecord, type Target } from '../../../shared';
import type { BaseImageChoice } from '../../../shared/generated-dockerfile';
import { scanSummary } from '../../../shared/scan-summary';
import { useApi } from '../api/api-context';
import { ErrorNotice } from '../common/ErrorNotice';
import { AwsKeys } from './AwsKeys';
import { useGo } from '../routing/RouteLink';
import { navigate, routeHref } from '../routing/use-hash-route';
import { targetLabel } from './target-label';
import {
  defaultAwsTarget,
  detectedPlaceholders,
  ECS_FIELDS,
  emptyForm,
  formFromProject,
  formToInput,
  newEnvRow,
  scannableFolder,
  type EcsField,
  type S3Field,
  type FieldErrors,
  type ProjectFormState,
} from './project-form-model';
import './project-form.css';

const ECS_LABELS: Readonly<Record<EcsField, { label: string; placeholder: string }>> = {
  region: { label: 'Region', placeholder: 'eu-west-1' },
  profile: { label: 'AWS profile', placeholder: 'default' },
  cluster: { label: 'Cluster', placeholder: 'my-cluster' },
  service: { label: 'Service', placeholder: 'my-service' },
  repository: { label: 'ECR repository', placeholder: 'my-app' },
  registryHost: { label: 'Registry host', placeholder: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
  publicUrl: { label: 'Public URL', placeholder: 'https://app.example.com' },
  cpu: { label: 'CPU units', placeholder: '256' },
  memoryMb: { label: 'Memory (MB)', placeholder: '512' },
};

const S3_LABELS: Readonly<Record<S3Field, { label: string; placeholder: string; hint?: string }>> = {
  bucket: { label: 'Bucket', placeholder: 'my-site-bucket' },
  prefix: { label: 'Prefix', placeholder: 'the bucket root', hint: 'Folder in the bucket, e.g. sites/blog/. Objects under it that a release lacks are deleted.' },
  region: { label: 'Region', placeholder: 'eu-west-1' },
  profile: { label: 'AWS profile', placeholder: 'default' },
  publicUrl: { label: 'Public URL', placeholder: 'the S3 address', hint: 'The CDN or domain in front of the bucket, if any.' },
  indexDocument: { label: 'Index document', placeholder: 'website hosting off', hint: 'e.g. index.html: turns on S3 website hosting for the bucket.' },
  errorDocument: { label: 'Error document', placeholder: 'none', hint: 'e.g. 404.html, under the prefix.' },
};

const BASE_IMAGE_LABELS: Readonly<Record<BaseImageRole, string>> = {
  node: 'Node image',
  python: 'Python image',
  go: 'Go build image',
  goRuntime: 'Go runtime image',
  static: 'Static file server image',
};

/** The folder's scan as the form last read it: for `folder`, a record or the error that stopped it. */
type FolderScan = { readonly folder: string; readonly scan: ScanRecord } | { readonly folder: string; readonly error: ApiError };

/** Strips the dispatcher's "Invalid input for createProject: settings.port:" prefix next to the field it names. */
function fieldMessage(error: ApiError): string {
  let message = error.message.replace(/^Invalid input for \w+: /, '');
  if (error.field && message.startsWith(`${error.field}: `)) message = message.slice(error.field.length + 2);
  return message;
}

function Field({ id, label, error, hint, children }: { id: string; label: string; error: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <div className="field" data-invalid={error ? true : undefined}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Props for a text input wired to one field path, so errors land next to it and are announced with it. */
function describedBy(id: string, error: string | undefined, hint?: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  if (error) return { 'aria-invalid': true, 'aria-describedby': `${id}-error` };
  if (hint) return { 'aria-describedby': `${id}-hint` };
  return {};
}

/** Add (no projectId) or edit a project. Validated here with the engine's schema, and again by the engine. */
export function ProjectForm({ projectId }: { projectId?: string }) {
  const api = useApi();
  const go = useGo();
  const formId = useId();
  const [project, setProject] = useState<Project | null>(null);
  const [form, setForm] = useState<ProjectFormState>(emptyForm);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | string | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [folderScan, setFolderScan] = useState<FolderScan | null>(null);
  const [baseImages, setBaseImages] = useState<readonly BaseImageChoice[] | null>(null);

  useEffect(() => {
    if (!projectId) return;
    void api.request('getProject', { id: projectId }).then((result) => {
      if (!result.ok) return setLoadError(result.error);
      setProject(result.value);
      setForm(formFromProject(result.value));
    });
    // The images its generated Dockerfile starts FROM; a project that builds from its own Dockerfile has none.
    void api.request('getProjectDockerfile', { id: projectId }).then((result) => setBaseImages(result.ok ? result.value.baseImages : null));
  }, [api, projectId]);

  // What Berth detects in the folder fills the placeholders; asked again once typing pauses on a new path.
  const folder = scannableFolder(form.sourceDir);
  useEffect(() => {
    if (folder === null) return;
    let current = true;
    const timer = window.setTimeout(() => {
      void api.request('scanFolder', { sourceDir: folder }).then((result) => {
        if (current) setFolderScan(result.ok ? { folder, scan: result.value } : { folder, error: result.error });
      });
    }, 300);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [api, folder]);
  const shownScan = folderScan !== null && folderScan.folder === folder ? folderScan : null;
  const detected = shownScan && 'scan' in shownScan ? shownScan.scan : null;
  const placeholders = detectedPlaceholders(detected, baseImages);
  // Until the user picks ECS or S3, the AWS choice follows what the folder is (a site goes to S3).
  const awsDefault = defaultAwsTarget(detected);
  const awsHint = form.awsServiceChosen || detected === null ? undefined : awsDefault === 's3' ? 'S3, as the folder is a static site.' : 'ECS, as the folder runs a server.';
  useEffect(() => {
    setForm((current) => (current.target !== 'docker' && !current.awsServiceChosen && current.target !== awsDefault ? { ...current, target: awsDefault } : current));
  }, [awsDefault]);

  useEffect(() => {
    document.title = projectId ? `Edit ${project?.name ?? 'project'} — Berth` : 'Add project — Berth';
  }, [projectId, project]);

  const update = (patch: Partial<ProjectFormState>) => setForm((current) => ({ ...current, ...patch }));
  const id = (field: string) => `${formId}-${field.replace(/\./g, '-')}`;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = formToInput(form, project ?? undefined);
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormError('Some fields need fixing before the project can be saved; each one says what is wrong.');
      return;
    }
    setErrors({});
    setSaving(true);
    const result = project
      ? await api.request('updateProject', { id: project.id, ...checked.input, settings: { ...checked.input.settings, ...clearedSettings(project, checked.input) } })
      : await api.request('createProject', checked.input);
    setSaving(false);
    if (result.ok) {
      // In the desktop app a new project opens in its own window and this one returns to the list.
      if (go({ name: 'project', projectId: result.value.id }) === 'window') navigate({ name: 'projects' });
      return;
    }
    if (result.error.field) {
      setErrors({ [result.error.field]: fieldMessage(result.error) });
      setFormError('The engine did not accept one field; it is marked below.');
    } else {
      setFormError(result.error);
    }
  };

  const remove = async () => {
    if (!project || !window.confirm(`Remove "${project.name}"? Its deployments are stopped and its history is deleted.`)) return;
    const result = await api.request('deleteProject', { id: project.id });
    if (!result.ok) return setFormError(result.error);
    // A project window has nothing left to show: the projects window takes over.
    if (go({ name: 'projects' }) === 'window') window.close();
  };

  if (loadError) return <ErrorNotice action="Could not open this project." error={loadError} />;
  if (projectId && !project) return <p className="muted">Loading project…</p>;

  // Errors the form has no input for are shown at the top so none is ever hidden.
  const knownField = (field: string) =>
    /^(name|sourceDir|target|settings\.(port|hostPort|healthPath|memoryLimitMb|keepReleases|restartPolicy|env\.\d+\.(name|value)|ecs\.\w+|s3\.(bucket|prefix|region|profile|publicUrl|website\.(indexDocument|errorDocument))|build\.(buildCommand|startCommand|outputDir|runtimeVersion|baseImages\.\w+)))$/.test(field);
  const strayErrors = Object.entries(errors).filter(([field]) => !knownField(field));

  const text = (field: string, label: string, value: string, onChange: (value: string) => void, options: { placeholder?: string; hint?: string; mono?: boolean; inputMode?: 'numeric' } = {}) => (
    <Field id={id(field)} label={label} error={errors[field]} {...(options.hint ? { hint: options.hint } : {})}>
      <input
        id={id(field)}
        name={field}
        className={options.mono ? 'mono' : undefined}
        value={value}
        placeholder={options.placeholder}
        inputMode={options.inputMode}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        {...describedBy(id(field), errors[field], options.hint)}
      />
    </Field>
  );

  // ECS and S3 alike use the project's stored keys, else its profile or the default chain.
  const awsKeys = project ? (
    <AwsKeys project={project} onChange={setProject} />
  ) : (
    <p className="field-hint">AWS keys can be stored once the project is added (desktop app only; a profile name needs no keys in Berth).</p>
  );

  return (
    <section className="page narrow" aria-labelledby={`${formId}-heading`}>
      <p>
        <a href={project ? routeHref({ name: 'project', projectId: project.id }) : routeHref({ name: 'projects' })}>← {project ? project.name : 'Projects'}</a>
      </p>
      <h2 id={`${formId}-heading`}>{project ? `Edit ${project.name}` : 'Add a project'}</h2>
      <form className="form" onSubmit={(event) => void submit(event)} noValidate aria-label={project ? 'Edit project' : 'Add project'}>
        {formError ? <ErrorNotice error={formError} /> : null}
        {strayErrors.map(([field, message]) => (
          <ErrorNotice key={field} error={`${field}: ${message}`} />
        ))}

        <fieldset>
          <legend>Project</legend>
          {text('name', 'Name', form.name, (name) => update({ name }), { placeholder: 'My service' })}
          {text('sourceDir', 'Source directory', form.sourceDir, (sourceDir) => update({ sourceDir }), {
            placeholder: '/home/me/src/my-service',
            hint: "Absolute path of the project's folder. Berth detects how to build it; a Dockerfile there is used as it is.",
            mono: true,
          })}
          <FolderScanStatus folder={folder} scan={shownScan} />
          <div className="field-row">
            <Field id={id('target')} label="Target" error={errors['target']}>
              <select id={id('target')} name="target" value={form.target === 'docker' ? 'docker' : 'aws'} onChange={(event) => update({ target: event.target.value === 'aws' ? (form.awsServiceChosen && form.target !== 'docker' ? form.target : awsDefault) : 'docker' })}>
                <option value="docker">{targetLabel('docker', 'long')}</option>
                <option value="aws">AWS</option>
              </select>
            </Field>
            {form.target !== 'docker' ? (
              <Field id={id('awsService')} label="On AWS" error={undefined} {...(awsHint ? { hint: awsHint } : {})}>
                <select id={id('awsService')} name="awsService" value={form.target} onChange={(event) => update({ target: event.target.value as Target, awsServiceChosen: true })} {...describedBy(id('awsService'), undefined, awsHint)}>
                  {(['ecs', 's3'] as const).map((target) => (
                    <option key={target} value={target}>
                      {targetLabel(target, 'long')}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </div>
        </fieldset>

        <fieldset>
          <legend>Runtime</legend>
          <div className="field-row">
            {text('settings.port', 'Container port', form.port, (port) => update({ port }), {
              inputMode: 'numeric',
              placeholder: placeholders.port,
              hint: 'The port the app listens on inside its container, passed as PORT. Empty: what Berth detects.',
            })}
            {text('settings.hostPort', 'Host port', form.hostPort, (hostPort) => update({ hostPort }), { inputMode: 'numeric', placeholder: 'automatic', hint: 'Leave empty to pick a free port on 127.0.0.1.' })}
          </div>
          <div className="field-row">
            {text('settings.healthPath', 'Health path', form.healthPath, (healthPath) => update({ healthPath }), {
              mono: true,
              placeholder: placeholders.healthPath,
              hint: "Empty: the app's own health route, else Berth checks that it answers HTTP.",
            })}
            {text('settings.memoryLimitMb', 'Memory limit (MB)', form.memoryLimitMb, (memoryLimitMb) => update({ memoryLimitMb }), { inputMode: 'numeric' })}
            {text('settings.keepReleases', 'Release images kept', form.keepReleases, (keepReleases) => update({ keepReleases }), {
              inputMode: 'numeric',
              placeholder: String(DEFAULT_KEEP_RELEASES),
              hint: 'Docker: the images of this many recent releases stay for rollback; older ones are removed after each deploy.',
            })}
          </div>
          <div className="field-row">
            <Field id={id('settings.restartPolicy')} label="Restart policy" error={errors['settings.restartPolicy']}>
              <select id={id('settings.restartPolicy')} value={form.restartPolicy} onChange={(event) => update({ restartPolicy: event.target.value as RestartPolicy })}>
                {RESTART_POLICIES.map((policy) => (
                  <option key={policy} value={policy}>
                    {policy}
                  </option>
                ))}
              </select>
            </Field>
            <div className="field checkbox-field">
              <label>
                <input type="checkbox" checked={form.keepCrashedContainers} onChange={(event) => update({ keepCrashedContainers: event.target.checked })} />
                Keep crashed containers for debugging
              </label>
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>Build</legend>
          <p className="field-hint">
            Without a Dockerfile, Berth writes one from what it detects. Leave a field empty to use the detected value (shown in grey); what you type wins.
            {detected?.shape === 'existing_docker' || detected?.shape === 'prebuilt_image' ? ' This folder builds from its own Dockerfile or image, so these settings are not used.' : ''}
          </p>
          <div className="field-grid">
            {text('settings.build.buildCommand', 'Build command', form.build.buildCommand, (buildCommand) => update({ build: { ...form.build, buildCommand } }), { mono: true, placeholder: placeholders.buildCommand })}
            {text('settings.build.startCommand', 'Start command', form.build.startCommand, (startCommand) => update({ build: { ...form.build, startCommand } }), { mono: true, placeholder: placeholders.startCommand })}
            {text('settings.build.outputDir', 'Output directory', form.build.outputDir, (outputDir) => update({ build: { ...form.build, outputDir } }), { mono: true, placeholder: placeholders.outputDir })}
            {text('settings.build.runtimeVersion', 'Runtime version', form.build.runtimeVersion, (runtimeVersion) => update({ build: { ...form.build, runtimeVersion } }), { mono: true, placeholder: placeholders.runtimeVersion })}
          </div>
          <details className="base-images">
            <summary>Base images{Object.values(form.baseImages).some((image) => image.trim() !== '') ? ' (set)' : ''}</summary>
            <p className="field-hint">The images a generated Dockerfile starts FROM. Empty: the engine's BERTH_BASE_IMAGE_* or the official image for the detected version.</p>
            <div className="field-grid">
              {BASE_IMAGE_ROLES.map((role) =>
                text(`settings.build.baseImages.${role}`, BASE_IMAGE_LABELS[role], form.baseImages[role], (image) => update({ baseImages: { ...form.baseImages, [role]: image } }), {
                  mono: true,
                  placeholder: placeholders[role],
                }),
              )}
            </div>
          </details>
        </fieldset>

        <fieldset>
          <legend>Environment</legend>
          {form.env.length === 0 ? <p className="muted">No environment variables.</p> : null}
          {form.env.map((row, index) => {
            const nameField = `settings.env.${index}.name`;
            const valueField = `settings.env.${index}.value`;
            const setRow = (patch: Partial<typeof row>) => update({ env: form.env.map((candidate) => (candidate.key === row.key ? { ...candidate, ...patch } : candidate)) });
            return (
              <div className="env-row" key={row.key} role="group" aria-label={`Variable ${index + 1}`}>
                <Field id={id(nameField)} label="Name" error={errors[nameField]}>
                  <input id={id(nameField)} className="mono" value={row.name} placeholder="NAME" autoComplete="off" spellCheck={false} onChange={(event) => setRow({ name: event.target.value })} {...describedBy(id(nameField), errors[nameField])} />
                </Field>
                <Field id={id(valueField)} label="Value" error={errors[valueField]}>
                  <input
                    id={id(valueField)}
                    className="mono"
                    type={row.secret ? 'password' : 'text'}
                    value={row.value}
                    placeholder={row.storedSecret ? 'secret is set — type to replace' : ''}
                    autoComplete="off"
                    spellCheck={false}
                    onChange={(event) => setRow({ value: event.target.value })}
                    {...describedBy(id(valueField), errors[valueField])}
                  />
                </Field>
                <div className="field checkbox-field">
                  <label>
                    <input type="checkbox" checked={row.secret} onChange={(event) => setRow({ secret: event.target.checked })} />
                    Secret
                  </label>
                </div>
                <button type="button" className="button subtle small" aria-label={`Remove variable ${row.name || index + 1}`} onClick={() => update({ env: form.env.filter((candidate) => candidate.key !== row.key) })}>
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" className="button subtle" onClick={() => update({ env: [...form.env, newEnvRow()] })}>
            Add variable
          </button>
          <p className="field-hint">Secret values are stored by the engine and never shown again or written to logs.</p>
        </fieldset>

        {form.target === 'ecs' ? (
          <fieldset>
            <legend>AWS ECS</legend>
            <div className="field-grid">
              {ECS_FIELDS.map((field) =>
                text(`settings.ecs.${field}`, ECS_LABELS[field].label, form.ecs[field], (value) => update({ ecs: { ...form.ecs, [field]: value } }), {
                  placeholder: ECS_LABELS[field].placeholder,
                  ...(field === 'cpu' || field === 'memoryMb' ? { inputMode: 'numeric' as const } : {}),
                }),
              )}
            </div>
            {awsKeys}
          </fieldset>
        ) : null}

        {form.target === 's3' ? (
          <fieldset>
            <legend>AWS S3</legend>
            <div className="field-grid">
              {S3_FIELDS_SHOWN.map((field) =>
                text(field === 'indexDocument' || field === 'errorDocument' ? `settings.s3.website.${field}` : `settings.s3.${field}`, S3_LABELS[field].label, form.s3[field], (value) => update({ s3: { ...form.s3, [field]: value } }), {
                  placeholder: S3_LABELS[field].placeholder,
                  ...(S3_LABELS[field].hint ? { hint: S3_LABELS[field].hint } : {}),
                  mono: field !== 'region' && field !== 'profile',
                }),
              )}
            </div>
            <div className="field checkbox-field">
              <label>
                <input type="checkbox" name="settings.s3.createBucket" checked={form.s3CreateBucket} onChange={(event) => update({ s3CreateBucket: event.target.checked })} />
                Create the bucket if it does not exist
              </label>
            </div>
            {awsKeys}
          </fieldset>
        ) : null}

        <div className="form-actions">
          <button type="submit" className="button primary" disabled={saving}>
            {saving ? 'Saving…' : project ? 'Save changes' : 'Add project'}
          </button>
          <a className="button subtle" href={project ? routeHref({ name: 'project', projectId: project.id }) : routeHref({ name: 'projects' })}>
            Cancel
          </a>
          {project ? (
            <button type="button" className="button danger push-right" onClick={() => void remove()}>
              Remove project
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

const S3_FIELDS_SHOWN: readonly S3Field[] = ['bucket', 'prefix', 'region', 'profile', 'publicUrl', 'indexDocument', 'errorDocument'];

/** Optional settings the form emptied: a PATCH keeps what it does not name, so they are cleared with null. */
function clearedSettings(project: Project, input: ProjectCreate): { port?: null; healthPath?: null; hostPort?: null; keepReleases?: null; ecs?: null; s3?: null; build?: null } {
  return {
    ...(project.settings.keepReleases !== undefined && input.settings?.keepReleases === undefined ? { keepReleases: null } : {}),
    ...(project.settings.port !== undefined && input.settings?.port === undefined ? { port: null } : {}),
    ...(project.settings.healthPath !== undefined && input.settings?.healthPath === undefined ? { healthPath: null } : {}),
    ...(project.settings.hostPort !== undefined && input.settings?.hostPort === undefined ? { hostPort: null } : {}),
    ...(project.settings.ecs !== undefined && input.settings?.ecs === undefined ? { ecs: null } : {}),
    ...(project.settings.s3 !== undefined && input.settings?.s3 === undefined ? { s3: null } : {}),
    ...(project.settings.build !== undefined && input.settings?.build === undefined ? { build: null } : {}),
  };
}

/** What Berth detects in the folder, announced politely as the path is typed. */
function FolderScanStatus({ folder, scan }: { folder: string | null; scan: FolderScan | null }) {
  let content: ReactNode = null;
  if (folder !== null && scan === null) content = <span className="muted">Reading the folder…</span>;
  else if (scan && 'error' in scan) content = <span data-tone="bad">Could not read the folder: {scan.error.message}</span>;
  else if (scan?.scan.refusal) content = <span data-tone="warn">Berth cannot deploy this folder as it is yet. {scan.scan.refusal.message}</span>;
  else if (scan) {
    content = (
      <>
        Detected: <span className="mono">{scanSummary(scan.scan)}</span>
      </>
    );
  }
  return (
    <p className="folder-scan" role="status" aria-label="Detected in the folder">
      {content}
    </p>
  );
}
