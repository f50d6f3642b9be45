import { AlertsList } from '../components/alerts-list';

/** Alerts of every model. */
export function AlertsPage() {
  return (
    <section>
      <h2>Alerts</h2>
      <AlertsList />
    </section>
  );
}
