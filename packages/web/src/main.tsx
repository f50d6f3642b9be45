import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ModelPage } from './pages/model';
import { Overview } from './pages/overview';
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

function App() {
  const hash = useHash();
  const model = /^#\/models\/(.+)$/.exec(hash)?.[1];
  return (
    <>
      <header>
        <h1>Steward</h1>
        <span className="tagline">models in production, kept healthy</span>
      </header>
      <main>{model ? <ModelPage name={decodeURIComponent(model)} /> : <Overview />}</main>
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
