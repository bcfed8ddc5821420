import type { Delivery } from '../../../shared';
import { formatTime, humanize } from '../common/format';

/** Every delivery, newest first, with each try: time, outcome, HTTP status. */
export function DeliveryHistory({ deliveries }: { deliveries: readonly Delivery[] }) {
  return (
    <section className="panel" aria-labelledby="history-heading">
      <div className="panel-heading">
        <h3 id="history-heading">Delivery history</h3>
      </div>
      {deliveries.length === 0 ? <p className="muted">No alert has been sent yet.</p> : null}
      {deliveries.length > 0 ? (
        <table className="runs-table" aria-label="Alert deliveries">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Rule</th>
              <th scope="col">Channel</th>
              <th scope="col">Alert</th>
              <th scope="col">Outcome</th>
              <th scope="col">Tries</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-status={delivery.status}>
                <td>{formatTime(delivery.at)}</td>
                <td>{delivery.rule?.name ?? <span className="muted">test</span>}</td>
                <td>{delivery.channel.name}</td>
                <td className="wrap" title={delivery.body}>
                  {delivery.title}
                </td>
                <td>
                  {humanize(delivery.status)}
                  {delivery.nextAttemptAt ? <span className="muted"> · next try {formatTime(delivery.nextAttemptAt)}</span> : null}
                </td>
                <td>
                  <ol className="attempts">
                    {delivery.attempts.map((attempt, index) => (
                      <li key={index} title={attempt.error ?? undefined}>
                        {formatTime(attempt.at)} {humanize(attempt.outcome)}
                        {attempt.statusCode !== null ? ` · HTTP ${attempt.statusCode}` : ''}
                        {attempt.error ? <span className="muted"> — {attempt.error}</span> : null}
                      </li>
                    ))}
                  </ol>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
