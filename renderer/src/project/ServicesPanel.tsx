// A Compose stack's services in the project window (docs/product-rules.md "Compose stacks: services in logs and
// metrics"): name (with its colour, as in the log tags and the charts), the public marker, state, health, the
// published port, image and restarts. The deployment comes from useProjectState, which deploymentUpdated events
// keep current, so the table follows the stack live.
import type { StackService } from '../../../shared';
import { safeServiceName, serviceColour } from '../logs/service-tag';
import { useColorScheme } from '../theme/color-scheme';
import './services-panel.css';

/** `127.0.0.1:<host> → <container>`, or '—' when the service publishes no port. */
export function servicePort(service: Pick<StackService, 'hostPort' | 'containerPort'>): string {
  if (service.hostPort === null) return '—';
  return `127.0.0.1:${service.hostPort}${service.containerPort !== null ? ` → ${service.containerPort}` : ''}`;
}

export function ServicesPanel({ services }: { services: readonly StackService[] }) {
  const scheme = useColorScheme();
  return (
    <section className="services-panel" aria-label="Services" data-testid="services-panel">
      <h3>Services</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Port</th>
            <th scope="col">Image</th>
            <th scope="col">Restarts</th>
          </tr>
        </thead>
        <tbody>
          {services.map((service) => (
            <tr key={service.name} data-service={service.name} data-state={service.state}>
              <th scope="row">
                <span className="service-swatch" style={{ background: serviceColour(service.name, scheme) }} aria-hidden="true" />
                <span className="mono">{safeServiceName(service.name)}</span>
                {service.public && (
                  <span className="service-public" title="Receives the project's port: verify and health probes go to it">
                    public
                  </span>
                )}
              </th>
              <td className={`service-state service-state-${service.state}`}>
                {service.state}
                {service.state === 'exited' && service.exitCode !== null ? ` (exit ${service.exitCode})` : ''}
              </td>
              <td>{service.health ?? '—'}</td>
              <td className="mono">{servicePort(service)}</td>
              <td className="mono wrap">{service.image ?? '—'}</td>
              <td>{service.restarts}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
