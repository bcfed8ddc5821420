// The narrow ports engine services are built with. Each service names the few it needs; the Engine
// (host/engine.ts) is the one place that wires real implementations to them, and tests hand in their
// own. Nothing below the host ever sees the whole engine.
import type { Deployment, Failure, RunKind, Target } from '../../shared';
import type { EngineConfig } from './config';
import type { Deployments } from './deployments';
import type { EventBus } from './event-bus';
import type { LogWriter } from './logs/log-writer';
import type { ProjectRecord } from './store/projects';

/** Deployment rows; `update` also publishes the change. */
export type DeploymentsPort = Pick<Deployments, 'get' | 'list' | 'update'>;

/** Project rows, read-only. */
export interface ProjectsPort {
  get(id: string): ProjectRecord | undefined;
}

/** Writes log lines: numbered, batched, committed before anyone is told. */
export type LogLinesPort = Pick<LogWriter, 'append' | 'system' | 'flush' | 'lastAllocated'>;

/** Publishes engine-wide events (runs, notifications) to every transport. */
export type EventsPort = Pick<EventBus, 'emit'>;

/** Small facts that outlive a restart (`engine_state`). */
export interface StatePort {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** What the pipeline asks of monitoring: watch a deployment once a run puts it live, stop before it is replaced. */
export interface MonitorPort {
  watch(deploymentId: string): void;
  unwatch(deploymentId: string): void;
}

/** Which deployments a target serves, for the start-up reconcile. */
export type DeploymentsOf = (target: Target) => Deployment[];

/** The process-wide intervals and limits a service reads. */
export type ConfigPort<K extends keyof EngineConfig> = Pick<EngineConfig, K>;

/**
 * What the monitors and the pipeline report for alerting (docs/architecture.md, "Alerts"). The alert engine
 * decides what becomes an alert, on which channels (the desktop included), and when.
 */
export type AlertSignal =
  | { readonly kind: 'crash'; readonly deployment: Deployment; readonly exitCode: number | null; readonly oom: boolean; readonly service?: string }
  | { readonly kind: 'unhealthy'; readonly deployment: Deployment; readonly failures: number }
  | { readonly kind: 'recovered'; readonly deployment: Deployment }
  | { readonly kind: 'deploy_succeeded'; readonly deployment: Deployment; readonly runId: string; readonly runKind: RunKind; readonly releaseId: string | null }
  | { readonly kind: 'deploy_failed'; readonly deployment: Deployment; readonly runId: string; readonly runKind: RunKind; readonly failure: Failure }
  | { readonly kind: 'rollback'; readonly deployment: Deployment; readonly runId: string; readonly automatic: boolean; readonly releaseId: string };

/** Where signals go. Never throws and never waits: delivery happens elsewhere, later. */
export interface AlertSignalsPort {
  signal(signal: AlertSignal): void;
}
