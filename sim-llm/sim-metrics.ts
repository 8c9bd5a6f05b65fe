// What sim-llm counts: HTTP requests, generated sequences and tokens, and the simulated GPU's
// batches and busy time (virtual seconds), served as Prometheus text and as JSON.
import type { GpuRecorder, RequestTiming, SchedulingMode } from './virtual-gpu.ts';

// Lists of single events keep only the latest entries, so a long-running server stays small.
const MAX_EVENTS = 10_000;
const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export interface SimMetrics {
  mode: SchedulingMode;
  speed: number;
  /** HTTP requests by route (`other` for anything unknown). */
  httpRequests: Record<string, number>;
  /** Completion and chat requests that reached the GPU. */
  generationRequests: number;
  sequences: number;
  promptTokens: number;
  completionTokens: number;
  /** Prompts whose question the replay file does not have. */
  unknownQuestions: number;
  /** Groups of sequences that joined the GPU in one step. */
  batches: number;
  /** Sequences of each batch, oldest first (the latest 10,000). */
  batchSizes: number[];
  decodeSteps: number;
  /** Sequences running per decode step, averaged over steps. */
  meanRunningSequences: number;
  /** Virtual seconds the simulated GPU spent computing. */
  busySeconds: number;
  /** Finished generation requests in finishing order (the latest 10,000). */
  timings: RequestTiming[];
}

class Histogram {
  readonly counts = SIZE_BUCKETS.map(() => 0);
  count = 0;
  sum = 0;

  observe(value: number, times = 1): void {
    SIZE_BUCKETS.forEach((bound, i) => {
      if (value <= bound) this.counts[i]! += times;
    });
    this.count += times;
    this.sum += value * times;
  }

  render(name: string, help: string): string[] {
    return [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} histogram`,
      ...SIZE_BUCKETS.map((bound, i) => `${name}_bucket{le="${bound}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

export class SimMetricsRecorder implements GpuRecorder {
  readonly #mode: SchedulingMode;
  readonly #speed: number;
  readonly #httpRequests = new Map<string, number>();
  #generationRequests = 0;
  #sequences = 0;
  #promptTokens = 0;
  #completionTokens = 0;
  #unknownQuestions = 0;
  #busySeconds = 0;
  readonly #batchSizes: number[] = [];
  readonly #timings: RequestTiming[] = [];
  readonly #batchHistogram = new Histogram();
  readonly #runningHistogram = new Histogram();

  constructor(mode: SchedulingMode, speed: number) {
    this.#mode = mode;
    this.#speed = speed;
  }

  httpRequest(route: string): void {
    this.#httpRequests.set(route, (this.#httpRequests.get(route) ?? 0) + 1);
  }

  generation(sequences: number, promptTokens: number, completionTokens: number): void {
    this.#generationRequests++;
    this.#sequences += sequences;
    this.#promptTokens += promptTokens;
    this.#completionTokens += completionTokens;
  }

  unknownQuestion(): void {
    this.#unknownQuestions++;
  }

  batch(sequences: number): void {
    this.#batchHistogram.observe(sequences);
    pushBounded(this.#batchSizes, sequences);
  }

  steps(running: number, steps: number, seconds: number): void {
    this.#runningHistogram.observe(running, steps);
    this.#busySeconds += seconds;
  }

  finished(timing: RequestTiming): void {
    pushBounded(this.#timings, timing);
  }

  snapshot(): SimMetrics {
    const steps = this.#runningHistogram;
    return {
      mode: this.#mode,
      speed: this.#speed,
      httpRequests: Object.fromEntries(this.#httpRequests),
      generationRequests: this.#generationRequests,
      sequences: this.#sequences,
      promptTokens: this.#promptTokens,
      completionTokens: this.#completionTokens,
      unknownQuestions: this.#unknownQuestions,
      batches: this.#batchHistogram.count,
      batchSizes: [...this.#batchSizes],
      decodeSteps: steps.count,
      meanRunningSequences: steps.count === 0 ? 0 : steps.sum / steps.count,
      busySeconds: this.#busySeconds,
      timings: [...this.#timings],
    };
  }

  prometheus(): string {
    const lines = [
      '# HELP sim_llm_http_requests_total HTTP requests by route.',
      '# TYPE sim_llm_http_requests_total counter',
      ...[...this.#httpRequests].map(
        ([route, count]) => `sim_llm_http_requests_total{route="${route}"} ${count}`,
      ),
      ...counter(
        'sim_llm_generation_requests_total',
        'Completion and chat requests.',
        this.#generationRequests,
      ),
      ...counter('sim_llm_sequences_total', 'Sequences generated (prompts times n).', this.#sequences),
      ...counter('sim_llm_prompt_tokens_total', 'Prompt tokens (about chars / 4).', this.#promptTokens),
      ...counter(
        'sim_llm_generation_tokens_total',
        'Generated tokens (about chars / 4).',
        this.#completionTokens,
      ),
      ...counter(
        'sim_llm_unknown_questions_total',
        'Prompts with no recorded answer.',
        this.#unknownQuestions,
      ),
      ...counter(
        'sim_llm_batches_total',
        'Groups of sequences that joined the GPU together.',
        this.#batchHistogram.count,
      ),
      ...this.#batchHistogram.render('sim_llm_batch_sequences', 'Sequences per batch.'),
      ...this.#runningHistogram.render('sim_llm_running_sequences', 'Sequences running per decode step.'),
      ...counter(
        'sim_llm_busy_seconds_total',
        'Virtual seconds the simulated GPU computed.',
        this.#busySeconds,
      ),
    ];
    return `${lines.join('\n')}\n`;
  }
}

function counter(name: string, help: string, value: number): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_EVENTS) list.splice(0, list.length - MAX_EVENTS);
}
