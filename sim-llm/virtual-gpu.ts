// A GPU simulated in virtual time. Requests bring sequences (prompt tokens, tokens to decode); the
// scheduling mode decides which sequences run together, the cost model what each step costs, and
// each request is released when its last sequence is done. Virtual seconds map to wall time divided
// by `speed`, so a benchmark of hundreds of questions takes seconds while the accounting (what ran
// with what, and when, in virtual seconds) stays exact.
//
// Between two events (a sequence finishing, a newcomer joining) the running batch does not change,
// so the simulator sets one timer per event, never one per decode step.
import { R1flowError } from '../engine/errors.ts';
import type { CostModel } from './cost-model.ts';

/**
 * `static`: one request is one batch, batches run one at a time, and a batch decodes until its
 * longest sequence ends (Hugging Face `generate`). `continuous`: iteration-level scheduling (vLLM):
 * waiting sequences join the running batch at the next step boundary, paying their prefill in that
 * step, and leave when their tokens are done. `serial`: one sequence at a time.
 */
export type SchedulingMode = 'static' | 'continuous' | 'serial';
export const SCHEDULING_MODES: readonly SchedulingMode[] = ['static', 'continuous', 'serial'];

export interface SequenceWork {
  promptTokens: number;
  /** Tokens to generate; at least one (the end-of-sequence token). */
  decodeTokens: number;
}

/** One request's life in virtual seconds since the simulator started. */
export interface RequestTiming {
  /** Arrival order, from 0. */
  id: number;
  sequences: number;
  arrivedAt: number;
  /** When its first sequence joined a batch. */
  startedAt: number;
  finishedAt: number;
}

/** What the simulator reports as it runs (sim-metrics.ts keeps the counts). */
export interface GpuRecorder {
  /** Sequences that joined in one step: a static batch, a continuous admission, one serial sequence. */
  batch(sequences: number): void;
  /** `steps` decode steps ran with `running` sequences and took `seconds` (their prefill included). */
  steps(running: number, steps: number, seconds: number): void;
  finished(timing: RequestTiming): void;
}

export interface VirtualGpuOptions {
  mode: SchedulingMode;
  cost: CostModel;
  /** Divides every simulated delay. */
  speed: number;
  /** Most sequences running at once in `continuous` mode. */
  maxBatchSequences: number;
}

interface PendingRequest {
  readonly id: number;
  readonly sequences: number;
  readonly arrivedAt: number;
  left: number;
  startedAt?: number;
  resolve(timing: RequestTiming): void;
  reject(error: unknown): void;
}

interface Sequence {
  readonly request: PendingRequest;
  readonly promptTokens: number;
  remaining: number;
}

/** The steps from `start` until the next event; `target` is the step boundary the timer waits for. */
interface Segment {
  start: number;
  prefill: number;
  step: number;
  steps: number;
  target: number;
}

export class VirtualGpu {
  readonly #options: VirtualGpuOptions;
  readonly #recorder: GpuRecorder;
  readonly #origin = performance.now();
  #clock = 0;
  #nextId = 0;
  #waiting: Sequence[] = [];
  #running: Sequence[] = [];
  #segment: Segment | undefined;
  #cancelTimer: (() => void) | undefined;
  #closed = false;

  constructor(options: VirtualGpuOptions, recorder: GpuRecorder) {
    this.#options = options;
    this.#recorder = recorder;
  }

  /** Resolves when every sequence of the request has been generated. */
  submit(work: readonly SequenceWork[]): Promise<RequestTiming> {
    if (this.#closed) return Promise.reject(new R1flowError('INTERNAL', 'sim-llm is shutting down'));
    const now = this.#virtualNow();
    return new Promise((resolve, reject) => {
      const request: PendingRequest = {
        id: this.#nextId++,
        sequences: work.length,
        arrivedAt: now,
        left: work.length,
        resolve,
        reject,
      };
      if (work.length === 0) {
        resolve({ id: request.id, sequences: 0, arrivedAt: now, startedAt: now, finishedAt: now });
        return;
      }
      for (const { promptTokens, decodeTokens } of work) {
        this.#waiting.push({ request, promptTokens, remaining: Math.max(1, decodeTokens) });
      }
      if (!this.#segment) {
        this.#startSegment();
      } else if (this.#options.mode === 'continuous') {
        this.#joinAtNextStep(now);
      }
    });
  }

  /** Stops the clock and fails the requests still waiting or running. */
  close(): void {
    this.#closed = true;
    this.#cancelTimer?.();
    const pending = new Set([...this.#waiting, ...this.#running].map((sequence) => sequence.request));
    this.#waiting = [];
    this.#running = [];
    this.#segment = undefined;
    for (const request of pending) request.reject(new R1flowError('INTERNAL', 'sim-llm is shutting down'));
  }

  #virtualNow(): number {
    return ((performance.now() - this.#origin) / 1000) * this.#options.speed;
  }

  #startSegment(): void {
    const next = this.#waiting[0];
    // An idle GPU waits for the next arrival; it lies ahead of the clock only when timers ran late.
    if (this.#running.length === 0 && next) this.#clock = Math.max(this.#clock, next.request.arrivedAt);
    const admitted = this.#admit();
    if (this.#running.length === 0) {
      this.#segment = undefined;
      return;
    }
    for (const { request } of admitted) request.startedAt ??= this.#clock;
    let prefill = 0;
    if (admitted.length > 0) {
      this.#recorder.batch(admitted.length);
      const promptTokens =
        admitted.reduce((sum, sequence) => sum + sequence.promptTokens, 0) / admitted.length;
      prefill = this.#options.cost.prefillSeconds(admitted.length, promptTokens);
    }
    const steps = this.#running.reduce((least, sequence) => Math.min(least, sequence.remaining), Infinity);
    const step = this.#options.cost.decodeStepSeconds(this.#running.length);
    this.#segment = { start: this.#clock, prefill, step, steps, target: steps };
    this.#schedule(steps);
    const late = this.#waiting[0];
    if (late && this.#options.mode === 'continuous') this.#joinAtNextStep(late.request.arrivedAt);
  }

  /**
   * Moves waiting sequences that have arrived by the clock into the running batch, as the mode
   * allows; returns those that joined.
   */
  #admit(): Sequence[] {
    const arrived = (sequence: Sequence | undefined) =>
      sequence !== undefined && sequence.request.arrivedAt <= this.#clock;
    const idle = this.#running.length === 0;
    let admitted: Sequence[] = [];
    if (this.#options.mode === 'continuous') {
      let count = 0;
      const room = this.#options.maxBatchSequences - this.#running.length;
      while (count < room && arrived(this.#waiting[count])) count++;
      admitted = this.#waiting.splice(0, count);
    } else if (idle && arrived(this.#waiting[0]) && this.#options.mode === 'serial') {
      admitted = this.#waiting.splice(0, 1);
    } else if (idle && arrived(this.#waiting[0])) {
      // A request's sequences were queued together, so they lead the queue together.
      admitted = this.#waiting.splice(0, this.#waiting[0]!.request.left);
      // A static batch decodes until its longest sequence ends; shorter ones pad along.
      const longest = Math.max(...admitted.map((sequence) => sequence.remaining));
      for (const sequence of admitted) sequence.remaining = longest;
    }
    this.#running.push(...admitted);
    return admitted;
  }

  /** A newcomer in continuous mode joins at the first step boundary after it arrived. */
  #joinAtNextStep(arrivedAt: number): void {
    const segment = this.#segment;
    if (!segment || segment.step <= 0 || this.#running.length >= this.#options.maxBatchSequences) return;
    const boundary = Math.max(1, Math.ceil((arrivedAt - segment.start - segment.prefill) / segment.step));
    if (boundary < segment.target) this.#schedule(boundary);
  }

  #schedule(target: number): void {
    const segment = this.#segment!;
    segment.target = target;
    this.#cancelTimer?.();
    const end = segment.start + segment.prefill + segment.step * target;
    if (end === segment.start) {
      const immediate = setImmediate(() => this.#advance());
      this.#cancelTimer = () => clearImmediate(immediate);
      return;
    }
    const delayMs = Math.max(0, (end / this.#options.speed) * 1000 - (performance.now() - this.#origin));
    const timer = setTimeout(() => this.#advance(), delayMs);
    this.#cancelTimer = () => clearTimeout(timer);
  }

  #advance(): void {
    this.#cancelTimer = undefined;
    const segment = this.#segment!;
    const elapsed = segment.prefill + segment.step * segment.target;
    this.#clock = segment.start + elapsed;
    this.#recorder.steps(this.#running.length, segment.target, elapsed);
    const stillRunning: Sequence[] = [];
    for (const sequence of this.#running) {
      sequence.remaining -= segment.target;
      if (sequence.remaining > 0) stillRunning.push(sequence);
      else this.#finishSequence(sequence);
    }
    this.#running = stillRunning;
    this.#startSegment();
  }

  #finishSequence({ request }: Sequence): void {
    request.left--;
    if (request.left > 0) return;
    const timing: RequestTiming = {
      id: request.id,
      sequences: request.sequences,
      arrivedAt: request.arrivedAt,
      startedAt: request.startedAt ?? request.arrivedAt,
      finishedAt: this.#clock,
    };
    this.#recorder.finished(timing);
    request.resolve(timing);
  }
}
