/**
 * Rate-limits answers to requests that anyone on the relay topic can repeat: a Hello
 * (answered with our sync step 1) and a sync step 1 (answered with the updates it
 * lacks). Answers are published to the whole topic, so one answer serves every request
 * made meanwhile: the first request in an interval is answered at once, later ones are
 * merged into a single answer at the end of the interval. A replayed or flooded request
 * then costs at most one publish per interval instead of one per request.
 */
export class AnswerCoalescer<Request> {
  private lastAnsweredAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pending: Request | undefined;

  constructor(
    private readonly intervalMs: number,
    /** Merges a new request into the pending one (e.g. the lower of two state vectors). */
    private readonly merge: (pending: Request | undefined, next: Request) => Request,
    private readonly answer: (request: Request) => void,
  ) {}

  request(request: Request): void {
    this.pending = this.merge(this.pending, request);
    if (this.timer !== null) return;
    const waitMs = this.lastAnsweredAt + this.intervalMs - Date.now();
    if (waitMs <= 0) this.flush();
    else this.timer = setTimeout(() => this.flush(), waitMs);
  }

  destroy(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = undefined;
  }

  private flush(): void {
    this.timer = null;
    const request = this.pending;
    this.pending = undefined;
    if (request === undefined) return;
    this.lastAnsweredAt = Date.now();
    this.answer(request);
  }
}
