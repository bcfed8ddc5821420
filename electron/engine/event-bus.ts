import type { EventName, EventPayload } from '../../shared';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** Engine-wide events (deployment and run changes, notifications) for every transport to forward. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Listens to every event; used by transports that forward all of them. */
  onAny(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void {
    const names: EventName[] = ['deploymentUpdated', 'runUpdated', 'projectsChanged', 'notification'];
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }
}
