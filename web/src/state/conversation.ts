/**
 * The page's state in one place: the open conversation and its turns, the saved conversations, and
 * the actions a student takes. Components read snapshots and call actions; only this module
 * talks to the API client and to storage.
 */
import { api, ApiError } from '../api/client.js';
import { JobStream } from '../api/stream.js';
import { isPending, type AskBody, type Job, type Rating } from '../api/types.js';
import { storage, type AskSettings, type SavedConversation } from './storage.js';

export type Phase = 'waiting' | 'streaming' | 'done' | 'failed' | 'stopped';

export interface Turn {
  /** Local key: a turn exists before its job has an id. */
  key: string;
  jobId: string | null;
  question: string;
  /** The answer's markdown as received so far (the whole answer once done). */
  text: string;
  phase: Phase;
  error: { code: string; message: string } | null;
  provider: string | null;
  rating: Rating | null;
  reconnecting: boolean;
  /** What was sent, for a retry. */
  body: AskBody;
}

export interface State {
  conversationId: string | null;
  turns: Turn[];
  saved: SavedConversation[];
  /** A problem with the conversation as a whole (it could not be loaded, it is gone). */
  notice: 'loadFailed' | 'gone' | null;
  loading: boolean;
}

const TITLE_LENGTH = 80;
let keys = 0;

export class ConversationStore {
  private state: State;
  private readonly listeners = new Set<() => void>();
  private readonly streams = new Map<string, JobStream>();
  private readonly stopRequested = new Set<string>();

  constructor() {
    this.state = {
      conversationId: null,
      turns: [],
      saved: storage.conversations(),
      notice: null,
      loading: false,
    };
  }

  get snapshot(): State {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get busy(): boolean {
    return this.state.turns.some((t) => t.phase === 'waiting' || t.phase === 'streaming');
  }

  /** Reopens the conversation that was open when the page was last closed. */
  async restore(): Promise<void> {
    const current = storage.current();
    if (current) await this.open(current);
  }

  ask(question: string, settings: AskSettings): void {
    const trimmed = question.trim();
    if (!trimmed || this.busy) return;
    const body: AskBody = { question: trimmed };
    // A new conversation in the default mode needs no mode; a follow-up always says its mode, or
    // it would inherit the conversation's even after the student switched back to explain.
    if (settings.mode !== 'explain' || this.state.conversationId) body.mode = settings.mode;
    if (settings.subject.trim()) body.subject = settings.subject.trim();
    if (settings.level) body.level = settings.level;
    if (settings.language) body.language = settings.language;
    if (this.state.conversationId) body.conversationId = this.state.conversationId;
    const turn = newTurn(body);
    this.set({ turns: [...this.state.turns, turn], notice: null });
    this.follow(turn.key, { kind: 'ask', body, idempotencyKey: randomKey() });
  }

  /** Stop: the job is cancelled on the server, the partial text stays. */
  stop(): void {
    const turn = this.state.turns.find((t) => t.phase === 'waiting' || t.phase === 'streaming');
    if (!turn) return;
    this.update(turn.key, { phase: 'stopped', reconnecting: false });
    const stream = this.streams.get(turn.key);
    const jobId = turn.jobId ?? stream?.id;
    if (!jobId) {
      // The job has no id yet: cancel it as soon as its first event names it.
      this.stopRequested.add(turn.key);
      return;
    }
    this.closeStream(turn.key);
    void this.cancel(turn.key, jobId);
  }

  retry(key: string): void {
    const turn = this.state.turns.find((t) => t.key === key);
    if (!turn || this.busy) return;
    const body: AskBody = { ...turn.body };
    if (this.state.conversationId) body.conversationId = this.state.conversationId;
    const fresh = newTurn(body);
    this.set({ turns: this.state.turns.map((t) => (t.key === key ? fresh : t)) });
    this.follow(fresh.key, { kind: 'ask', body, idempotencyKey: randomKey() });
  }

  newConversation(): void {
    this.closeAllStreams();
    storage.setCurrent(null);
    this.set({ conversationId: null, turns: [], notice: null, loading: false });
  }

  async open(id: string): Promise<void> {
    this.closeAllStreams();
    storage.setCurrent(id);
    this.set({ conversationId: id, turns: [], notice: null, loading: true });
    try {
      const conversation = await api.getConversation(id);
      if (this.state.conversationId !== id) return;
      const turns = conversation.turns.map(turnFromJob);
      this.set({ turns, loading: false });
      const first = conversation.turns[0];
      if (first) this.remember(id, first.question, conversation.updatedAt);
      for (const turn of turns) {
        if (turn.phase === 'waiting' || turn.phase === 'streaming') {
          this.follow(turn.key, { kind: 'job', jobId: turn.jobId! });
        }
      }
    } catch (error) {
      if (this.state.conversationId !== id) return;
      if (error instanceof ApiError && error.status === 404) {
        this.forget(id);
        storage.setCurrent(null);
        this.set({ conversationId: null, notice: 'gone', loading: false });
      } else {
        this.set({ notice: 'loadFailed', loading: false });
      }
    }
  }

  /** Deletes the conversation on the server (the student's right to erase), then here. */
  async remove(id: string): Promise<void> {
    try {
      await api.deleteConversation(id);
    } catch (error) {
      // Already gone on the server: forgetting it here is all that is left to do.
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    this.forget(id);
    if (this.state.conversationId === id) this.newConversation();
  }

  async rate(key: string, rating: Rating): Promise<void> {
    const turn = this.state.turns.find((t) => t.key === key);
    if (!turn?.jobId || turn.phase !== 'done') return;
    const previous = turn.rating;
    this.update(key, { rating });
    try {
      await api.rate(turn.jobId, rating);
    } catch {
      this.update(key, { rating: previous });
    }
  }

  private follow(key: string, source: ConstructorParameters<typeof JobStream>[0]): void {
    const stream = new JobStream(source, {
      job: (job) => this.onJob(key, job),
      delta: (text) => {
        const turn = this.find(key);
        if (turn?.phase === 'waiting' || turn?.phase === 'streaming') {
          this.update(key, { text: turn.text + text, phase: 'streaming' });
        }
      },
      reset: () => {
        if (this.find(key)?.phase !== 'stopped') this.update(key, { text: '' });
      },
      done: (job) => this.settle(key, job),
      reconnecting: (active) => {
        if (this.find(key)?.reconnecting !== active) this.update(key, { reconnecting: active });
      },
    });
    this.streams.set(key, stream);
    stream.run().then(
      () => this.streams.delete(key),
      (error: unknown) => {
        this.streams.delete(key);
        const turn = this.find(key);
        if (!turn || turn.phase === 'stopped') return;
        this.update(key, { phase: 'failed', reconnecting: false, error: describe(error) });
      },
    );
  }

  private onJob(key: string, job: Job): void {
    const turn = this.find(key);
    if (!turn) return;
    this.update(key, { jobId: job.id, provider: job.provider });
    if (job.conversationId && !this.state.conversationId) {
      this.set({ conversationId: job.conversationId });
      storage.setCurrent(job.conversationId);
    }
    if (job.conversationId && job.conversationId === this.state.conversationId) {
      this.remember(
        job.conversationId,
        this.state.turns[0]?.question ?? job.question,
        job.updatedAt,
      );
    }
    if (this.stopRequested.delete(key)) {
      this.closeStream(key);
      void this.cancel(key, job.id);
      return;
    }
    // A stream that starts over (its events were no longer kept) carries the answer in the job.
    if (!isPending(job.status)) this.settle(key, job);
  }

  private settle(key: string, job: Job): void {
    const turn = this.find(key);
    if (!turn) return;
    if (job.status === 'completed') {
      this.update(key, {
        phase: 'done',
        text: job.answer ?? turn.text,
        provider: job.provider,
        reconnecting: false,
        rating: job.feedback?.rating ?? null,
      });
    } else if (job.status === 'failed') {
      this.update(key, {
        phase: 'failed',
        reconnecting: false,
        error: job.error ?? { code: 'unknown', message: '' },
      });
    } else if (job.status === 'cancelled') {
      this.update(key, { phase: 'stopped', reconnecting: false });
    }
  }

  private async cancel(key: string, jobId: string): Promise<void> {
    try {
      const job = await api.cancel(jobId);
      // It may have finished just before the cancel reached it: then show the whole answer.
      if (job.status === 'completed') this.settle(key, job);
    } catch {
      // The turn reads stopped either way; the server's deadline ends a job we could not cancel.
    }
  }

  private remember(id: string, question: string, updatedAt: string): void {
    const title = question.length > TITLE_LENGTH ? `${question.slice(0, TITLE_LENGTH)}…` : question;
    const others = this.state.saved.filter((c) => c.id !== id);
    const existing = this.state.saved.find((c) => c.id === id);
    if (existing && existing.title === title && existing.updatedAt === updatedAt) return;
    const saved = [{ id, title, updatedAt }, ...others];
    storage.setConversations(saved);
    this.set({ saved });
  }

  private forget(id: string): void {
    const saved = this.state.saved.filter((c) => c.id !== id);
    storage.setConversations(saved);
    this.set({ saved });
  }

  private closeStream(key: string): void {
    this.streams.get(key)?.close();
    this.streams.delete(key);
  }

  private closeAllStreams(): void {
    for (const key of [...this.streams.keys()]) this.closeStream(key);
    this.stopRequested.clear();
  }

  private find(key: string): Turn | undefined {
    return this.state.turns.find((t) => t.key === key);
  }

  private update(key: string, patch: Partial<Turn>): void {
    this.set({ turns: this.state.turns.map((t) => (t.key === key ? { ...t, ...patch } : t)) });
  }

  private set(patch: Partial<State>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function newTurn(body: AskBody): Turn {
  return {
    key: `turn-${++keys}`,
    jobId: null,
    question: body.question,
    text: '',
    phase: 'waiting',
    error: null,
    provider: null,
    rating: null,
    reconnecting: false,
    body,
  };
}

function turnFromJob(job: Job): Turn {
  const body: AskBody = { question: job.question };
  if (job.mode) body.mode = job.mode;
  if (job.subject) body.subject = job.subject;
  if (job.level) body.level = job.level;
  if (job.language) body.language = job.language;
  const phase: Phase =
    job.status === 'completed'
      ? 'done'
      : job.status === 'failed'
        ? 'failed'
        : job.status === 'cancelled'
          ? 'stopped'
          : 'waiting';
  return {
    ...newTurn(body),
    jobId: job.id,
    // A pending turn's stream replays its text from the first event.
    text: phase === 'waiting' ? '' : (job.answer ?? ''),
    phase,
    error: job.error,
    provider: job.provider,
    rating: job.feedback?.rating ?? null,
  };
}

/** An Idempotency-Key; randomUUID exists only on secure origins (not on a LAN address over http). */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) {
    return { code: error.problem.code ?? `http_${error.status}`, message: error.message };
  }
  return { code: 'network', message: error instanceof Error ? error.message : String(error) };
}
