import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * Metrics of a service run as several processes on one port (node:cluster,
 * libs/infra/http runClustered): every process keeps its own registry, and
 * GET /metrics, whichever process it reaches, answers for all of them. The
 * worker that takes the request asks the primary over the IPC channel; the
 * primary gathers every worker's registry (prom-client's AggregatorRegistry:
 * counters and histograms summed, gauges by their `aggregator`, summed
 * unless they say otherwise) and answers with the text.
 */
const REQUEST = 'sferum:cluster-metrics-request';
const RESPONSE = 'sferum:cluster-metrics-response';
/** How long a worker waits for the primary's answer. */
const TIMEOUT_MS = 5_000;

interface MetricsRequest {
  readonly type: typeof REQUEST;
  readonly id: number;
}

interface MetricsResponse {
  readonly type: typeof RESPONSE;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

/** Whether this process is a worker of a clustered service (its /metrics answers for the cluster). */
export function isClusterWorker(): boolean {
  return cluster.isWorker && typeof process.send === 'function';
}

/** In a worker: the registry the primary's aggregation reads from this process. */
export function shareWithPrimary(registry: Registry): void {
  // Its constructor installs prom-client's answering of the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

let nextId = 0;
const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
let listening = false;

/** In a worker: the metrics of every worker of the cluster, in the Prometheus text format. */
export function clusterMetrics(): Promise<string> {
  if (!listening) {
    listening = true;
    process.on('message', (message: unknown) => {
      const response = message as Partial<MetricsResponse> | null;
      if (response?.type !== RESPONSE || typeof response.id !== 'number') return;
      const waiter = pending.get(response.id);
      if (waiter === undefined) return;
      pending.delete(response.id);
      if (typeof response.text === 'string') waiter.resolve(response.text);
      else waiter.reject(new Error(`the primary could not gather the workers' metrics: ${response.error ?? 'no answer'}`));
    });
  }
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`the primary did not answer with the workers' metrics within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    timer.unref();
    pending.set(id, {
      resolve: (text) => {
        clearTimeout(timer);
        resolve(text);
      },
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
    const request: MetricsRequest = { type: REQUEST, id };
    process.send!(request);
  });
}

/** In the primary: answers the workers' requests for the cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as Partial<MetricsRequest> | null;
    if (request?.type !== REQUEST || typeof request.id !== 'number') return;
    const id = request.id;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id, text } satisfies MetricsResponse),
      (error: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id, error: String(error) } satisfies MetricsResponse),
    );
  });
}
