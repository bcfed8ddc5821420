import { useState } from 'react';
import type { Release } from '../../../shared';
import { formatTime, shortId } from '../common/format';

/** The part of an image reference that tells releases apart (the tag), or its short id. */
function imageTag(release: Release): string {
  const tag = release.imageRef.split('/').pop() ?? release.imageRef;
  return tag.length > 40 ? shortId(release.imageId ?? release.imageRef) : tag;
}

/** Rollback candidates: the releases other than the current one whose image was not removed by image retention, newest first. */
export function rollbackCandidates(releases: readonly Release[]): Release[] {
  return releases.filter((release) => !release.current && !release.imageRemoved).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export interface DeployActionsProps {
  readonly hasDeployment: boolean;
  readonly runActive: boolean;
  readonly releases: readonly Release[];
  readonly busy: 'deploy' | 'rollback' | null;
  readonly onDeploy: () => void;
  readonly onRollback: (releaseId: string) => void;
}

/** Deploy (first time) or Redeploy, and Rollback with a release picker. */
export function DeployActions({ hasDeployment, runActive, releases, busy, onDeploy, onRollback }: DeployActionsProps) {
  const candidates = rollbackCandidates(releases);
  const [chosen, setChosen] = useState<string>('');
  const releaseId = candidates.some((release) => release.id === chosen) ? chosen : (candidates[0]?.id ?? '');
  const blocked = runActive ? 'A run is in progress; wait for it, or stop it, first.' : undefined;
  return (
    <div className="deploy-actions" role="group" aria-label="Deploy actions">
      <button type="button" className="button primary" disabled={runActive || busy !== null} onClick={onDeploy} title={blocked}>
        {busy === 'deploy' ? 'Starting…' : hasDeployment ? 'Redeploy' : 'Deploy'}
      </button>
      <div className="rollback-picker">
        <label htmlFor="rollback-release">Release</label>
        <select id="rollback-release" value={releaseId} disabled={candidates.length === 0} onChange={(event) => setChosen(event.target.value)}>
          {candidates.length === 0 ? <option value="">No earlier release</option> : null}
          {candidates.map((release) => (
            <option key={release.id} value={release.id}>
              {formatTime(release.createdAt)} · {imageTag(release)}
            </option>
          ))}
        </select>
        <button type="button" className="button" disabled={runActive || busy !== null || releaseId === ''} onClick={() => onRollback(releaseId)} title={blocked ?? (candidates.length === 0 ? 'Rollback needs an earlier release.' : undefined)}>
          {busy === 'rollback' ? 'Starting…' : 'Roll back'}
        </button>
      </div>
    </div>
  );
}
