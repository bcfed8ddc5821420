import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { chooseApi } from './api/choose-api';
import { App } from './App';
import { CommandsProvider } from './commands/commands-context';
import './common/visually-hidden.css';
import './app.css';

const api = chooseApi();
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {'error' in api ? (
      <p role="alert" className="fatal">
        {api.error}
      </p>
    ) : (
      <ApiProvider api={api}>
        <CommandsProvider>
          <App />
        </CommandsProvider>
      </ApiProvider>
    )}
  </StrictMode>,
);
