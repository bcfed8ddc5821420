import type { ApiError } from '../../../shared';

/** Says what happened and what to do; the engine's messages already carry the "what to do" part. */
export function ErrorNotice({ error, action, onDismiss }: { error: ApiError | string; action?: string; onDismiss?: () => void }) {
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="notice" data-tone="bad" role="alert">
      <p>
        {action ? <strong>{action} </strong> : null}
        {message}
      </p>
      {onDismiss ? (
        <button type="button" className="button subtle" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}
