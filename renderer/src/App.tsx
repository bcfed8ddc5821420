import { KeyboardShortcuts } from './commands/KeyboardShortcuts';
import { AlertsPage } from './alerts/AlertsPage';
import { NotificationCenter } from './notifications/NotificationCenter';
import { ProjectForm } from './projects/ProjectForm';
import { ProjectsList } from './projects/ProjectsList';
import { ProjectView } from './project/ProjectView';
import { SettingsPage } from './settings/SettingsPage';
import { RouteLink } from './routing/RouteLink';
import { HealthIndicator } from './status/HealthIndicator';
import { routeHref, useHashRoute, type Route } from './routing/use-hash-route';

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'projects':
      return <ProjectsList />;
    case 'new-project':
      return <ProjectForm />;
    case 'alerts':
      return <AlertsPage />;
    case 'settings':
      return <SettingsPage />;
    case 'project':
      return <ProjectView key={route.projectId} projectId={route.projectId} link={route} />;
    case 'edit-project':
      return <ProjectForm key={route.projectId} projectId={route.projectId} />;
    case 'not-found':
      return (
        <section className="page">
          <p role="alert">
            There is no page at “{route.hash}”. <a href={routeHref({ name: 'projects' })}>Go to the projects list.</a>
          </p>
        </section>
      );
  }
}

/** The app shell: header with the health indicator, the routed screen, and the notification center. */
export function App() {
  const route = useHashRoute();
  return (
    <div className="app">
      {/* Not a #main link: the hash is the router's. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header className="app-header">
        <h1>
          <RouteLink to={{ name: 'projects' }} className="brand">
            Berth
          </RouteLink>
        </h1>
        <div className="app-header-end">
          <RouteLink to={{ name: 'alerts' }} className="header-link">
            Alerts &amp; analysis
          </RouteLink>
          <HealthIndicator />
          {/* "App settings": a project page has its own "Settings" link. */}
          <RouteLink to={{ name: 'settings' }} className="button subtle small">
            App settings
          </RouteLink>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} />
      </main>
      <NotificationCenter />
      <KeyboardShortcuts />
    </div>
  );
}
