/**
 * The page's state in one place: the open conversation and its turns, and the actions a student
 * takes. Components read snapshots and call actions; only the state modules talk to the API
 * client and to storage. The turn model is turn.ts, the streams streams.ts, the conversation
 * list list.ts (this store tells it about conversations asked in and deleted here).
 */
import { api } from '../api/client.js';
import { ApiError } from '../api/problem.js';
import { isPending, QUESTION_MAX_LENGTH, type Job, type Rating } from '../api/types.js';
import type { ConversationList } from './list.js';
import { storage, type AskSettings } from './storage.js';
import { TurnStreams } from './streams.js';
import { askBody, fromJob, isBusy, newTurn, turnFromJob, type Turn } from './turn.js';

export type { Phase, Turn } from './turn.js';

export interface State {
  conversationId: string | null;
  turns: Turn[];
  /** A problem with the conversation as a whole: it could not be loaded (`id`), or it is gone. */
  notice: { kind: 'loadFailed'; id: string } | { kind: 'gone' } | null;
  loading: boolean;
  /** The question box's text: kept here so that a refusal or a Stop can give it back. */
  draft: string;
}

export class ConversationStore {
  private state: State;
  private readonly listeners = new Set<() => void>();
  private readonly streams = new TurnStreams({
    job: (key, job) => this.onJob(key, job),
    delta: (key, text) => {
      const turn = this.find(key);
      if (turn && isBusy(turn)) this.update(key, { text: turn.text + text, phase: 'streaming' });
    },
    reset: (key) => {
      if (this.find(key)?.phase !== 'stopped') this.update(key, { text: '' });
    },
    done: (key, job) => this.settle(key, job),
    reconnecting: (key, active) => {
      if (this.find(key)?.reconnecting !== active) this.update(key, { reconnecting: active });
    },
    failed: (key, error) => {
      const turn = this.find(key);
      if (turn && turn.phase !== 'stopped') {
        this.update(key, { phase: 'failed', reconnecting: false, error });
        this.giveBack(turn.question);
      }
    },
  });

  constructor(private readonly list: ConversationList) {
    this.state = {
      conversationId: null,
      turns: [],
      notice: null,
      loading: false,
      draft: '',
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
    return this.state.turns.some(isBusy);
  }

  /** Reopens the conversation that was open when the page was last closed. */
  async restore(): Promise<void> {
    const current = storage.current();
    if (current) await this.open(current);
  }

  setDraft(draft: string): void {
    if (draft !== this.state.draft) this.set({ draft });
  }

  /**
   * Sends a question (the draft when none is given). False when it was not sent: empty, over the
   * API's length limit (the box says so), or an answer is still being written.
   */
  ask(settings: AskSettings, question = this.state.draft): boolean {
    const trimmed = question.trim();
    if (!trimmed || trimmed.length > QUESTION_MAX_LENGTH || this.busy) return false;
    const body = askBody(trimmed, settings, this.state.conversationId);
    const turn = newTurn(body);
    // A refused question never reached the conversation: its failure goes once it is re-sent.
    const kept = this.state.turns.filter((t) => t.jobId || t.phase !== 'failed');
    const draft = question === this.state.draft ? '' : this.state.draft;
    this.set({ turns: [...kept, turn], notice: null, draft });
    this.streams.follow(turn.key, { kind: 'ask', body, idempotencyKey: randomKey() });
    return true;
  }

  /** Stop: the job is cancelled on the server, the partial text stays, the question comes back. */
  stop(): void {
    const turn = this.state.turns.find(isBusy);
    if (!turn) return;
    this.update(turn.key, { phase: 'stopped', reconnecting: false });
    this.giveBack(turn.question);
    const jobId = turn.jobId ?? this.streams.jobIdOf(turn.key);
    if (!jobId) {
      // The job has no id yet: cancel it as soon as its first event names it.
      this.streams.requestStop(turn.key);
      return;
    }
    this.streams.close(turn.key);
    void this.cancel(turn.key, jobId);
  }

  retry(key: string): void {
    const turn = this.find(key);
    if (!turn || this.busy) return;
    const body = { ...turn.body };
    if (this.state.conversationId) body.conversationId = this.state.conversationId;
    const fresh = newTurn(body);
    this.set({ turns: this.state.turns.map((t) => (t.key === key ? fresh : t)) });
    this.streams.follow(fresh.key, { kind: 'ask', body, idempotencyKey: randomKey() });
  }

  newConversation(): void {
    this.streams.closeAll();
    storage.setCurrent(null);
    this.set({ conversationId: null, turns: [], notice: null, loading: false });
  }

  /** Nothing of the student left on the page (sign-out, "Delete my data"): an empty page. */
  reset(): void {
    this.newConversation();
    this.set({ draft: '' });
  }

  /** Try again after a conversation failed to load. */
  async reload(): Promise<void> {
    const notice = this.state.notice;
    if (notice?.kind === 'loadFailed') await this.open(notice.id);
  }

  async open(id: string): Promise<void> {
    this.streams.closeAll();
    storage.setCurrent(id);
    this.set({ conversationId: id, turns: [], notice: null, loading: true });
    try {
      const conversation = await api.getConversation(id);
      if (this.state.conversationId !== id) return;
      const turns = conversation.turns.map(turnFromJob);
      this.set({ turns, loading: false });
      const first = conversation.turns[0];
      if (first) this.remember(id, first, conversation.updatedAt);
      for (const turn of turns) {
        if (isBusy(turn)) this.streams.follow(turn.key, { kind: 'job', jobId: turn.jobId! });
      }
    } catch (error) {
      if (this.state.conversationId !== id) return;
      if (error instanceof ApiError && error.status === 404) {
        this.list.forget(id);
        storage.setCurrent(null);
        this.set({ conversationId: null, notice: { kind: 'gone' }, loading: false });
      } else {
        // Not open: a question asked now starts a new conversation rather than becoming the next
        // turn of one the student cannot see. It stays the current one for the next visit.
        this.set({ conversationId: null, notice: { kind: 'loadFailed', id }, loading: false });
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
    this.list.forget(id);
    if (this.state.conversationId === id) this.newConversation();
  }

  /**
   * Rates an answer; the comment stays as it was unless one is given ('' removes it). False, and
   * the previous rating and comment back, if the API did not take it.
   */
  async rate(key: string, rating: Rating, comment?: string): Promise<boolean> {
    const turn = this.find(key);
    if (!turn?.jobId || turn.phase !== 'done') return false;
    const previous = { rating: turn.rating, comment: turn.comment };
    const text = comment === undefined ? turn.comment : comment.trim() || null;
    this.update(key, { rating, comment: text });
    try {
      await api.rate(turn.jobId, text ? { rating, comment: text } : { rating });
      return true;
    } catch {
      this.update(key, previous);
      return false;
    }
  }

  private onJob(key: string, job: Job): void {
    const turn = this.find(key);
    if (!turn) return;
    this.update(key, { jobId: job.id, provider: job.provider });
    if (job.conversationId && !this.state.conversationId) {
      this.set({ conversationId: job.conversationId });
      storage.setCurrent(job.conversationId);
    }
    if (job.conversationId === this.state.conversationId) {
      const question = this.state.turns[0]?.question ?? job.question;
      this.remember(job.conversationId, { question, mode: job.mode }, job.updatedAt);
    }
    if (this.streams.takeStopRequest(key)) {
      this.streams.close(key);
      void this.cancel(key, job.id);
      return;
    }
    // A stream that starts over (its events were no longer kept) carries the answer in the job.
    if (!isPending(job.status)) this.settle(key, job);
  }

  /** The job has ended: the turn takes its outcome (a stopped turn keeps its streamed text). */
  private settle(key: string, job: Job): void {
    const turn = this.find(key);
    if (!turn || isPending(job.status)) return;
    this.update(key, fromJob(job, turn.text));
    if (job.status !== 'completed') this.giveBack(turn.question);
  }

  /** Puts a question that was not answered back in an empty question box, to edit or re-send. */
  private giveBack(question: string): void {
    if (!this.state.draft.trim()) this.set({ draft: question });
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

  /** The list learns of a conversation asked in here (`first`: its first turn's question). */
  private remember(id: string, first: Pick<Job, 'question' | 'mode'>, updatedAt: string): void {
    this.list.touched({ id, firstQuestion: first.question, mode: first.mode, updatedAt });
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

/** An Idempotency-Key; randomUUID exists only on secure origins (not on a LAN address over http). */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
