import { useState } from 'react';
import { TOKEN_KEY } from '../api';

/** Where a user pastes an API token for servers that require one; it stays in this browser only. */
export function TokenPage() {
  const [token, setToken] = useState(window.localStorage.getItem(TOKEN_KEY) ?? '');
  const [saved, setSaved] = useState(false);
  const save = (value: string) => {
    if (value) window.localStorage.setItem(TOKEN_KEY, value);
    else window.localStorage.removeItem(TOKEN_KEY);
    setToken(value);
    setSaved(true);
  };
  return (
    <section className="token">
      <h2>API token</h2>
      <p>
        A server that listens beyond loopback needs a token: create one with{' '}
        <code>steward token create --name me --scopes read,admin</code> and paste it here. It is kept in this
        browser's local storage and sent with every request.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save(token.trim());
        }}
      >
        <input
          type="password"
          name="token"
          aria-label="API token"
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            setSaved(false);
          }}
          placeholder="stw_…"
        />{' '}
        <button type="submit">Save</button>{' '}
        <button type="button" onClick={() => save('')}>
          Forget
        </button>
      </form>
      {saved && (
        <p>
          {token ? 'Saved. ' : 'Forgotten. '}
          <a href="#/">Back to the models</a>
        </p>
      )}
    </section>
  );
}
