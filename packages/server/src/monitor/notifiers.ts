import type { NotifierSpec } from '../spec/model-spec.js';

/** What a notifier receives: an alert that opened, repeated after its cool-down, or resolved. */
export interface AlertEvent {
  event: 'opened' | 'repeated' | 'resolved';
  alertId: string;
  model: string;
  check: string;
  severity: string;
  status: string;
  message: string;
  value: number | null;
  window: { start: string; end: string };
  occurrences: number;
  at: string;
}

export interface NotifierContext {
  log: (line: string) => void;
  fetch?: typeof fetch;
  /** Waits between webhook attempts; tests pass a fast one. Default 500 ms doubling. */
  backoffMs?: (attempt: number) => number;
}

/** Sends to every notifier; a failure is logged and never stops the others or the check run. */
export async function notify(
  notifiers: readonly NotifierSpec[],
  event: AlertEvent,
  context: NotifierContext,
): Promise<void> {
  await Promise.all(
    notifiers.map(async (notifier) => {
      try {
        if (notifier.type === 'log')
          context.log(
            JSON.stringify({
              level: event.event === 'resolved' ? 'info' : event.severity,
              msg: 'steward alert',
              ...event,
            }),
          );
        else await postWebhook(notifier, event, context);
      } catch (error) {
        context.log(
          JSON.stringify({
            level: 'error',
            msg: 'notifier failed',
            notifier: notifier.type,
            error: (error as Error).message,
          }),
        );
      }
    }),
  );
}

async function postWebhook(
  notifier: Extract<NotifierSpec, { type: 'webhook' }>,
  event: AlertEvent,
  context: NotifierContext,
): Promise<void> {
  const doFetch = context.fetch ?? fetch;
  const backoff = context.backoffMs ?? ((attempt: number) => 500 * 2 ** attempt);
  let lastError = '';
  for (let attempt = 0; attempt <= notifier.retries; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoff(attempt - 1)));
    try {
      const response = await doFetch(notifier.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...notifier.headers },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
      // A 4xx other than 408/429 will not get better by retrying.
      if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
    } catch (error) {
      lastError = (error as Error).message;
    }
  }
  throw new Error(`webhook ${notifier.url} failed after ${notifier.retries + 1} attempt(s): ${lastError}`);
}
