import { StewardClient } from '@steward/client';

export const TOKEN_KEY = 'steward.token';

/** The API on the dashboard's own origin; a token, when the server needs one, is kept in this browser's storage. */
export function apiClient(): StewardClient {
  const token = window.localStorage.getItem(TOKEN_KEY) ?? undefined;
  return new StewardClient({ url: window.location.origin, ...(token ? { token } : {}) });
}
