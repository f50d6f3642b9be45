import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { splitHash } from './lib/time-range';
import { AlertsPage } from './pages/alerts';
import { MODEL_TABS, ModelPage, type ModelTab } from './pages/model';
import { Overview } from './pages/overview';
import { RunPage } from './pages/run';
import { TokenPage } from './pages/token';
import './styles.css';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash;
}

/** Hash routes: #/, #/alerts, #/token, #/models/NAME[/TAB], #/models/NAME/runs/ID; `?range=` is the time range. */
function route(hash: string) {
  const parts = splitHash(hash).path.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (parts[0] === 'alerts') return <AlertsPage />;
  if (parts[0] === 'token') return <TokenPage />;
  if (parts[0] === 'models' && parts[1]) {
    const name = parts[1];
    if (parts[2] === 'runs' && parts[3]) return <RunPage name={name} id={parts[3]} />;
    const tab = (MODEL_TABS as readonly string[]).includes(parts[2] ?? '')
      ? (parts[2] as ModelTab)
      : 'metrics';
    return <ModelPage key={name} name={name} tab={tab} />;
  }
  return <Overview />;
}

function App() {
  const hash = useHash();
  return (
    <>
      <header>
        <h1>
          <a href="#/">Steward</a>
        </h1>
        <nav>
          <a href="#/">Models</a>
          <a href="#/alerts">Alerts</a>
          <a href="#/token">Token</a>
        </nav>
        <span className="tagline">models in production, kept healthy</span>
      </header>
      <main>{route(hash)}</main>
    </>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
