import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Overview } from './pages/overview';
import './styles.css';

function App() {
  return (
    <>
      <header>
        <h1>Steward</h1>
        <span className="tagline">models in production, kept healthy</span>
      </header>
      <main>
        <Overview />
      </main>
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
