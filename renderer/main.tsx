import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { SessionContext } from './store/context.ts';
import { Session } from './store/session.ts';
import { pickTransport } from './transport/pick.ts';
import './styles.css';

const session = new Session(pickTransport(), window.localStorage);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <SessionContext value={session}>
      <App />
    </SessionContext>
  </StrictMode>,
);
