// A Compose stack's services as `berth ls` and `berth status` print them (docs/product-rules.md "Compose stacks:
// services in logs and metrics"): name (`*` marks the public one), state, health, port, image, restarts. Names
// come from a compose file: control characters are printed escaped (shared/service-name.ts).
import type { StackService } from '../../shared';
import { escapeControls, safeServiceName } from '../../shared/service-name';

export const SERVICE_HEADERS = ['SERVICE', 'STATE', 'HEALTH', 'PORT', 'IMAGE', 'RESTARTS'] as const;

/** One row per service, in the stack's order (public first). */
export function serviceRows(services: readonly StackService[]): string[][] {
  return services.map((service) => [
    `${safeServiceName(service.name)}${service.public ? '*' : ''}`,
    service.state === 'exited' && service.exitCode !== null ? `exited (${service.exitCode})` : service.state,
    service.health ?? '-',
    service.hostPort !== null ? `127.0.0.1:${service.hostPort}` : '-',
    service.image ? escapeControls(service.image) : '-',
    String(service.restarts),
  ]);
}

/** The rows as an aligned table, each line indented by `indent`. */
export function serviceTable(services: readonly StackService[], indent = '  '): string {
  const rows = [[...SERVICE_HEADERS], ...serviceRows(services)];
  const widths = SERVICE_HEADERS.map((_header, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `${indent}${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd()).join('\n');
}
