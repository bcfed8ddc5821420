import { useEffect, useState } from 'react';
import type { Project } from '../../shared';
import { useApi } from './api/api-context';

export function App() {
  const api = useApi();
  const [projects, setProjects] = useState<Project[]>([]);
  useEffect(() => {
    void api.request('listProjects', {}).then((result) => result.ok && setProjects(result.value));
  }, [api]);
  return (
    <main>
      <h1>Berth</h1>
      <ul>
        {projects.map((project) => (
          <li key={project.id}>{project.name}</li>
        ))}
      </ul>
    </main>
  );
}
