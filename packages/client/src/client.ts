import { StewardApiError } from './api-error.js';
import type {
  AlertQuery,
  AlertView,
  Alias,
  AliasChange,
  CheckResultView,
  DriftQuery,
  DriftTimelineView,
  EstimatedWindowsView,
  FeatureDriftView,
  LabelBatchResult,
  LabelInput,
  ModelHealth,
  ModelSpecInput,
  ModelVersion,
  Page,
  PageQuery,
  PredictInput,
  PredictionBatchResult,
  PredictionInput,
  PredictionView,
  ServedVersionView,
  TimeInput,
  UpdateRunView,
  UploadOptions,
  WindowQuery,
  WindowView,
} from './types.js';

export interface StewardClientOptions {
  /** The server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** An API token (required when the server listens beyond loopback). */
  token?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const toTime = (t: TimeInput) => (t instanceof Date ? t.toISOString() : String(t));

function serialiseTimes<T extends { time?: TimeInput }>(rows: readonly T[]): T[] {
  return rows.map((r) => (r.time instanceof Date ? { ...r, time: r.time.toISOString() } : r));
}

/**
 * Typed client of the Steward HTTP API. Errors are {@link StewardApiError}s carrying the server's message and,
 * for refused batches, the row and field of each problem.
 *
 * @example
 * const steward = new StewardClient({ url: 'http://127.0.0.1:8080' });
 * await steward.logPredictions('churn', [{ id: 'a1', features: { age: 31 }, output: 1, score: 0.83 }]);
 */
export class StewardClient {
  private readonly base: string;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: StewardClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  putModel(spec: ModelSpecInput): Promise<ModelSpecInput> {
    return this.request('PUT', `/api/v1/models/${encodeURIComponent(spec.name)}`, spec);
  }

  getModel(name: string): Promise<{
    spec: ModelSpecInput & { window: number };
    health: ModelHealth;
    counts: { predictions: number; labels: number };
  }> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(name)}`);
  }

  listModels(): Promise<Array<{ name: string; task: string; health: string }>> {
    return this.request('GET', '/api/v1/models');
  }

  logPredictions(model: string, rows: readonly PredictionInput[]): Promise<PredictionBatchResult> {
    return this.request(
      'POST',
      `/api/v1/models/${encodeURIComponent(model)}/predictions`,
      serialiseTimes(rows),
    );
  }

  /** Predicts with the model's production version (the canary share goes to the candidate); the server logs each. */
  async predict(model: string, rows: readonly PredictInput[]): Promise<PredictionView[]> {
    const answer = await this.request<{ predictions: PredictionView[] }>(
      'POST',
      `/api/v1/models/${encodeURIComponent(model)}/predict`,
      serialiseTimes(rows),
    );
    return answer.predictions;
  }

  logLabels(model: string, rows: readonly LabelInput[]): Promise<LabelBatchResult> {
    return this.request('POST', `/api/v1/models/${encodeURIComponent(model)}/labels`, serialiseTimes(rows));
  }

  putReference(
    model: string,
    name: string,
    rows: ReadonlyArray<Record<string, unknown>>,
  ): Promise<{ name: string; rows: number }> {
    return this.request(
      'PUT',
      `/api/v1/models/${encodeURIComponent(model)}/references/${encodeURIComponent(name)}`,
      rows,
    );
  }

  windows(model: string, query: WindowQuery = {}): Promise<WindowView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/windows${queryString(query)}`);
  }

  metrics(model: string, query: Omit<WindowQuery, 'count' | 'profile'> = {}): Promise<WindowView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/metrics${queryString(query)}`);
  }

  /**
   * Performance estimated per window without labels, beside the realized metrics where labels have come: a
   * classifier's accuracy, precision, recall and F1 (CBPE, from its calibrated scores or class probabilities), a
   * regressor's MAE, MSE and RMSE (DLE, from loss models on its inputs and predictions).
   */
  estimated(
    model: string,
    query: Omit<WindowQuery, 'count' | 'profile'> = {},
  ): Promise<EstimatedWindowsView> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/estimated${queryString(query)}`);
  }

  health(model: string): Promise<ModelHealth> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/health`);
  }

  /** Alerts, most recently fired first: the first page (`limit`, default 100), or the one after `cursor`. */
  async alerts(query: AlertQuery & { cursor?: string } = {}): Promise<AlertView[]> {
    return (await this.alertsPage(query)).items;
  }

  /** A page of alerts and the cursor of the next page (undefined on the last one). */
  alertsPage(query: AlertQuery & { cursor?: string } = {}): Promise<Page<AlertView>> {
    return this.page(`/api/v1/alerts${queryString(query)}`);
  }

  /** Marks an alert as seen: it stays open until its check passes, but is not notified again. */
  acknowledgeAlert(id: string): Promise<AlertView> {
    return this.request('POST', `/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`);
  }

  /** Check results, newest first. */
  checkResults(model: string, query: { check?: string; limit?: number } = {}): Promise<CheckResultView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/checks${queryString(query)}`);
  }

  /** Every feature's drift in every window against a reference: the data of a feature × window heatmap. */
  driftWindows(model: string, query: DriftQuery = {}): Promise<DriftTimelineView> {
    return this.request(
      'GET',
      `/api/v1/models/${encodeURIComponent(model)}/drift/windows${queryString(query)}`,
    );
  }

  /** One feature's reference and current distributions over a range, with its drift test. */
  featureDrift(model: string, feature: string, query: DriftQuery = {}): Promise<FeatureDriftView> {
    return this.request(
      'GET',
      `/api/v1/models/${encodeURIComponent(model)}/drift/feature${queryString({ ...query, feature })}`,
    );
  }

  /** Which versions answered over a range. */
  served(model: string, query: { from?: TimeInput; to?: TimeInput } = {}): Promise<ServedVersionView[]> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/served${queryString(query)}`);
  }

  runChecks(): Promise<{ results: unknown[] }> {
    return this.request('POST', '/api/v1/checks/run');
  }

  /** Registers a model file (Steward JSON or ONNX bytes) as the model's next version. */
  uploadVersion(model: string, artifact: Uint8Array, options: UploadOptions = {}): Promise<ModelVersion> {
    const query = queryString({
      format: options.format,
      parent: options.parent,
      description: options.description,
    });
    return this.request('POST', `/api/v1/models/${encodeURIComponent(model)}/versions${query}`, artifact, {
      ...(options.lineage ? { 'x-steward-lineage': JSON.stringify(options.lineage) } : {}),
    });
  }

  /**
   * Attaches the words an uploaded version learnt from, per text column (words or whole texts: the server splits
   * them), so each window counts the words it never saw. Once per version; versions the update loop trains have
   * theirs already.
   */
  putVocabulary(model: string, version: number, columns: Record<string, string[]>): Promise<ModelVersion> {
    return this.request('PUT', `/api/v1/models/${encodeURIComponent(model)}/versions/${version}/vocabulary`, {
      columns,
    });
  }

  /** Versions, newest first: the first page (`limit`, default 100), or the one after `cursor`. */
  async listVersions(model: string, page: PageQuery = {}): Promise<ModelVersion[]> {
    return (await this.versionsPage(model, page)).items;
  }

  /** A page of versions and the cursor of the next page (undefined on the last one). */
  versionsPage(model: string, page: PageQuery = {}): Promise<Page<ModelVersion>> {
    return this.page(`/api/v1/models/${encodeURIComponent(model)}/versions${queryString(page)}`);
  }

  getVersion(model: string, version: number): Promise<ModelVersion> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/versions/${version}`);
  }

  /** The artifact's bytes (verified against the sha256 the server sends). */
  async downloadArtifact(model: string, version: number): Promise<Uint8Array> {
    return this.request(
      'GET',
      `/api/v1/models/${encodeURIComponent(model)}/versions/${version}/artifact`,
      undefined,
      {},
      'bytes',
    );
  }

  promote(
    model: string,
    version: number,
    alias: Alias = 'production',
    reason?: string,
  ): Promise<AliasChange> {
    return this.request('PUT', `/api/v1/models/${encodeURIComponent(model)}/aliases/${alias}`, {
      version,
      ...(reason ? { reason } : {}),
    });
  }

  rollback(model: string, alias: Alias = 'production', reason?: string): Promise<AliasChange> {
    return this.request(
      'POST',
      `/api/v1/models/${encodeURIComponent(model)}/aliases/${alias}/rollback`,
      reason ? { reason } : {},
    );
  }

  /** Where each alias points, and its newest changes (every one: `aliasHistoryPage`). */
  aliases(model: string): Promise<{ current: Partial<Record<Alias, number>>; history: AliasChange[] }> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/aliases`);
  }

  /** A page of alias changes, newest first, and the cursor of the next page (undefined on the last one). */
  aliasHistoryPage(model: string, page: PageQuery = {}): Promise<Page<AliasChange>> {
    return this.page(`/api/v1/models/${encodeURIComponent(model)}/aliases/history${queryString(page)}`);
  }

  /** Queues an update run (one per model at a time: an existing one is returned). */
  startUpdate(model: string): Promise<{ job: string; created: boolean }> {
    return this.request('POST', `/api/v1/models/${encodeURIComponent(model)}/updates`);
  }

  /** Update runs with their steps, newest first: the first page (`limit`, default 50), or the one after `cursor`. */
  async listUpdates(model: string, page: { limit?: number; cursor?: string } = {}): Promise<UpdateRunView[]> {
    return (await this.updatesPage(model, page)).runs;
  }

  /** One update run with its steps. */
  getUpdate(model: string, id: string): Promise<UpdateRunView> {
    return this.request(
      'GET',
      `/api/v1/models/${encodeURIComponent(model)}/updates/${encodeURIComponent(id)}`,
    );
  }

  /** A page of update runs and the cursor of the next page (undefined on the last one). */
  async updatesPage(
    model: string,
    page: PageQuery = {},
  ): Promise<{ runs: UpdateRunView[]; next: string | undefined }> {
    const { items, next } = await this.page<UpdateRunView>(
      `/api/v1/models/${encodeURIComponent(model)}/updates${queryString(page)}`,
    );
    return { runs: items, next };
  }

  /** GET of a paged list: its items and the `x-next-cursor` header. */
  private async page<T>(path: string): Promise<Page<T>> {
    let next: string | undefined;
    const items = await this.request<T[]>('GET', path, undefined, {}, 'json', (headers) => {
      next = headers.get('x-next-cursor') ?? undefined;
    });
    return { items, next };
  }

  /** A version's training curves: metric name → [step, value] pairs. */
  steps(model: string, version: number): Promise<Record<string, Array<[number, number]>>> {
    return this.request('GET', `/api/v1/models/${encodeURIComponent(model)}/versions/${version}/steps`);
  }

  logSteps(
    model: string,
    version: number,
    points: Array<{ step: number; metric: string; value: number }>,
  ): Promise<{ stored: number }> {
    return this.request(
      'POST',
      `/api/v1/models/${encodeURIComponent(model)}/versions/${version}/steps`,
      points,
    );
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    as: 'json' | 'bytes' = 'json',
    onHeaders?: (headers: Headers) => void,
  ): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders };
    const binary = body instanceof Uint8Array;
    if (body !== undefined)
      headers['content-type'] = binary ? 'application/octet-stream' : 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let response: Response;
    try {
      response = await this.fetcher(this.base + path, {
        method,
        headers,
        ...(body !== undefined
          ? { body: binary ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body) }
          : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new StewardApiError(
        0,
        'network',
        `cannot reach Steward at ${this.base}: ${(error as Error).message}`,
      );
    }
    onHeaders?.(response.headers);
    if (response.status === 204) return undefined as T;
    if (as === 'bytes' && response.ok) return new Uint8Array(await response.arrayBuffer()) as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; details?: [] } } | undefined)
        ?.error;
      throw new StewardApiError(
        response.status,
        error?.code ?? 'http',
        error?.message ?? `HTTP ${response.status}: ${text.slice(0, 200)}`,
        error?.details ?? [],
      );
    }
    return parsed as T;
  }
}

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(
      key,
      value instanceof Date || key === 'from' || key === 'to' ? toTime(value as TimeInput) : String(value),
    );
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
