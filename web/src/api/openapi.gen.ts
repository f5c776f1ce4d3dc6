/**
 * GENERATED from the API's OpenAPI document by web/scripts/api-types.ts: do not edit.
 * Regenerate with `npm run api-types`; `npm test` fails while this file differs from what the
 * API serves.
 */
export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Liveness
     * @description Says the process is up; it calls no dependency.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': {
              /** @enum {string} */
              status: 'ok';
            };
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ask': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask a question
     * @description Creates a job. Answers 200 with the completed job if it finishes within the wait budget (Prefer: wait=N, default SYNC_WAIT_SECONDS), 202 with the pending job and a Location to poll otherwise (or at once with Prefer: respond-async), 502 if the job failed within the wait, 409 if it was cancelled while the request waited. With `Accept: text/event-stream` the answer streams in the same response (200): the job's event stream, as `GET /api/v1/jobs/{id}/events` sends it, whose first event is the job with its id. With `conversationId` the job is the next turn of that conversation (404 if unknown; 409 with `code: turn_in_progress`, `conversationId` and the pending `jobId` while its latest turn is pending) and inherits its subject, level, language and mode unless the ask sets them; without it, the ask starts a new conversation. 422 when the question alone does not fit CONTEXT_MAX_TOKENS. A first question in explain mode may be answered from the answer cache (`Cache-Status: iscoolgpt; hit`, the job `cached: true`, nothing used and the original usage in `cachedUsage`), at once and like any job, its stream included. Quotas per principal (counted before the job exists): 429 `quota_exceeded` once the UTC day's questions or tokens are used up, `too_many_pending` while QUOTA_PENDING_JOBS questions are pending, `too_many_streams` for a stream past QUOTA_OPEN_STREAMS, each with Retry-After; RateLimit-Policy and RateLimit say the daily questions policy and what is left.
     */
    post: {
      parameters: {
        query?: never;
        header?: {
          /** @description RFC 7240: `wait=N` (seconds, capped at 25) or `respond-async` */
          prefer?: string;
          /** @description RFC 9111: `no-cache` skips the answer cache: the model is asked and its answer replaces the kept one */
          'cache-control'?: string;
          /** @description replaying the same key with the same body returns the same job */
          'idempotency-key'?: string;
        };
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description trimmed of leading and trailing whitespace; 1-8000 characters after that */
            question: string;
            /** @description e.g. "physics", "history" */
            subject?: string;
            /** @description e.g. "high school", "undergraduate" */
            level?: string;
            /** @description language to answer in, e.g. "pt-BR", "English" */
            language?: string;
            /** @description unavailable here: this server has no provider key and answers with its offline demo provider; send no `provider` */
            provider?: unknown;
            /** @description unavailable here: this server allows no model choice; send no `model` */
            model?: unknown;
            /**
             * Format: uuid
             * @description continue this conversation; without it, the ask starts a new one
             */
            conversationId?: string;
            /**
             * @description how to teach; default: the conversation's mode, or explain for a new one
             * @enum {string}
             */
            mode?: 'explain' | 'tutor' | 'quiz';
          };
        };
      };
      responses: {
        /** @description The completed job; with `Accept: text/event-stream`, its event stream */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 7240: the preferences of `Prefer` the server honoured (`respond-async`, `wait=N` in whole seconds); absent when none was sent or none was honoured */
            'preference-applied'?: string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
            'text/event-stream': {
              id: string;
              /** @enum {string} */
              event: 'job' | 'delta' | 'reset' | 'done';
              /** @description one line of JSON: the job, `{"text"}` or `{"reason"}` */
              data: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description The job, still pending: poll its Location */
        202: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description Where to poll the job: `/api/v1/jobs/{id}` */
            location: string;
            /** @description Seconds to wait before polling again (or before retrying a 503) */
            'retry-after': string;
            /** @description RFC 7240: the preferences of `Prefer` the server honoured (`respond-async`, `wait=N` in whole seconds); absent when none was sent or none was honoured */
            'preference-applied'?: string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description The request is not a valid ask */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description No such conversation */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The job was cancelled, or a turn is in progress */
        409: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['JobFailedProblem'];
          };
        };
        /** @description The body is too large */
        413: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The body is not UTF-8 JSON */
        415: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description The ask cannot be answered as it is */
        422: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnprocessableProblem'];
          };
        };
        /** @description A quota or limit of the principal is reached */
        429: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description Seconds until asking again can succeed (to the reset, for quota_exceeded) */
            'retry-after': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['LimitReachedProblem'];
          };
        };
        /** @description The job failed */
        502: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['JobFailedProblem'];
          };
        };
        /** @description The service cannot take the job now: retry later */
        503: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description Seconds to wait before polling again (or before retrying a 503) */
            'retry-after': string;
            /** @description RFC 9211: what the answer cache (`iscoolgpt`) did for the ask. `iscoolgpt; hit` (answered from a kept answer, the job `cached`), `iscoolgpt; fwd=miss` (none kept: the model is asked and its answer kept; `detail=unavailable` when the cache did not answer in time), `iscoolgpt; fwd=request` (`Cache-Control: no-cache`: the model is asked and its answer replaces the kept one), `iscoolgpt; fwd=bypass` (not a first question in explain mode, refused before any job existed, `detail=replay` for an Idempotency-Key replay, `detail=off` with ANSWER_CACHE=off) */
            'cache-status': string;
            /** @description The daily questions policy, e.g. `"questions";q=100;w=86400`; absent when the principal has no daily limit (QUOTA_*=0, or an app) */
            'ratelimit-policy'?: string;
            /** @description What is left of it: `"questions";r=<questions left>;t=<seconds to the UTC day's end>` */
            ratelimit?: string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a job
     * @description The job with its status; poll it after a 202 from ask.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the job id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Follow a job's events
     * @description Streams the job as server-sent events: `job`, `delta`, `reset`, `done` (see the 200 response). Reconnect with `Last-Event-ID` (or `?after=` for clients that cannot set headers) to receive exactly the events after that id. For a settled job the stream is its `job` event, then `done`. 204 when a client resumes a finished stream after its `done` event.
     */
    get: {
      parameters: {
        query?: {
          /** @description resume after this event (same as Last-Event-ID) */
          after?: string;
        };
        header?: {
          /** @description resume after this event */
          'last-event-id'?: string;
        };
        path: {
          /** @description the job id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The event stream */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'text/event-stream': {
              id: string;
              /** @enum {string} */
              event: 'job' | 'delta' | 'reset' | 'done';
              /** @description one line of JSON: the job, `{"text"}` or `{"reason"}` */
              data: string;
            } & {
              [key: string]: unknown;
            };
          };
        };
        /** @description The stream already ended at that event: nothing more will come */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description QUOTA_OPEN_STREAMS of the principal’s streams are open here */
        429: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description Seconds until asking again can succeed (to the reset, for quota_exceeded) */
            'retry-after': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['LimitReachedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs/{id}/cancel': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a job
     * @description A pending job becomes `cancelled` (error code `cancelled`): its worker stops the provider call and writes nothing more, and its event stream ends with `done`. Cancelling a settled job changes nothing and returns it.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the job id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List my conversations
     * @description The conversations of the principal making the request, most recently updated first, a page at a time.
     */
    get: {
      parameters: {
        query?: {
          /** @description how many conversations (1-100, default 20) */
          limit?: number;
          /** @description the `next` of the previous page, as it was given */
          cursor?: string;
        };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ConversationList'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/conversations/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a conversation
     * @description Its settings (what the next turn inherits) and a page of its turns, oldest first: the latest `limit` (50 by default); `next` fetches the ones before them. 404 for a conversation that does not exist or is someone else's.
     */
    get: {
      parameters: {
        query?: {
          /** @description how many turns (1-100, default 50) */
          limit?: number;
          /** @description the `next` of the previous page, as it was given */
          cursor?: string;
        };
        header?: never;
        path: {
          /** @description the conversation id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Conversation'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete a conversation
     * @description Erases the conversation and every job of it: a pending turn is cancelled first, then the conversation's and its jobs' reads and event streams answer 404.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the conversation id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description deleted */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs/{id}/feedback': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Rate a job's answer
     * @description Up or down, with an optional comment (at most 2000 characters), for a completed job only (409 otherwise). Putting again replaces the earlier feedback. Answers with the job.
     */
    put: {
      parameters: {
        query?: never;
        header?: never;
        path: {
          /** @description the job id (a UUID, either case) */
          id: string;
        };
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @enum {string} */
            rating: 'up' | 'down';
            /** @description what was good or wrong about the answer */
            comment?: string;
          };
        };
      };
      responses: {
        /** @description Success */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Job'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['ValidationProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        404: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Problem */
        409: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['JobNotCompletedProblem'];
          };
        };
        /** @description Problem */
        415: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start a guest session
     * @description A guest token for someone who has not signed in: what they ask is theirs alone, and can be claimed by their account later (`POST /api/v1/sessions/claim`). No body. Limited per client address (429 past it, with Retry-After).
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description A new guest session */
        201: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `no-store`: a token is never cached */
            'cache-control': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['GuestSession'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Too many sessions from this address */
        429: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description Seconds to wait before polling again (or before retrying a 503) */
            'retry-after': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['RateLimitedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sessions/claim': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Claim a guest's conversations
     * @description A signed-in user takes over the conversations (and their turns) of a guest session whose token they hold: the page does it at sign-in, so nothing asked as a guest is lost. Idempotent. 400 `invalid_guest_token` for a token that is not a valid guest token; 403 for a principal that is not a signed-in user.
     */
    post: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody: {
        content: {
          'application/json': {
            /** @description the guest token (from POST /api/v1/sessions) whose conversations to take over */
            guestToken: string;
          };
        };
      };
      responses: {
        /** @description The guest’s conversations are now this user’s */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['ClaimResult'];
          };
        };
        /** @description Problem */
        400: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json':
              | components['schemas']['ValidationProblem']
              | components['schemas']['InvalidGuestTokenProblem'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Problem */
        403: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['SignInRequiredProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Who am I
     * @description The principal this request acts as: its id and kind.
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The principal */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Principal'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    /**
     * Delete my data
     * @description Erases everything the principal making the request has: pending turns are cancelled first, then every conversation, job, Idempotency-Key record and event log is deleted. Every former id then answers 404 and the list is empty.
     */
    delete: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description erased */
        204: {
          headers: {
            [name: string]: unknown;
          };
          content?: never;
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/usage': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * My usage today
     * @description What the principal making the request used this UTC day against their quotas: questions asked, tokens their answers used, what they cost, and when the day resets. A limit is null when there is none (an app, or QUOTA_*=0).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description The day so far */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['Usage'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me/export': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download my data
     * @description Every conversation of the principal making the request with every turn (question, answer, mode, feedback, timestamps), as a JSON file (`Content-Disposition: attachment`).
     */
    get: {
      parameters: {
        query?: never;
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: {
        /** @description Everything this principal has */
        200: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `attachment; filename="iscoolgpt-data-<date>.json"` */
            'content-disposition': string;
            [name: string]: unknown;
          };
          content: {
            'application/json': components['schemas']['DataExport'];
          };
        };
        /** @description Missing or invalid credentials */
        401: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            /** @description `Bearer` when credentials are missing; `Bearer error="invalid_token"` when the token sent is not valid (RFC 6750) */
            'www-authenticate': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['UnauthorizedProblem'];
          };
        };
        /** @description Any other error (405 with Allow, 408, 413, 415, 431, 500, 503, …), as problem+json */
        default: {
          headers: {
            /** @description The request id: the `x-request-id` the client sent when it is 1-128 characters of `A-Z a-z 0-9 . _ : -`, else one the server made. Every log line of the request carries it. */
            'x-request-id': string;
            [name: string]: unknown;
          };
          content: {
            'application/problem+json': components['schemas']['Problem'];
          };
        };
      };
    };
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    PrincipalInput: {
      /** @description stable: a signed-in user's `sub` as the issuer gives it, `guest:<uuid>`, `app:<id>` or `anonymous` */
      id: string;
      /** @enum {string} */
      kind: 'guest' | 'student' | 'teacher' | 'app' | 'anonymous';
    };
    DataExportInput: {
      /** Format: date-time */
      exportedAt: string;
      user: components['schemas']['PrincipalInput'];
      /** @description every conversation, most recently updated first */
      conversations: {
        /** Format: uuid */
        id: string;
        /** @description its first question, cut at 80 characters */
        title: string;
        subject: string | null;
        level: string | null;
        language: string | null;
        /** @enum {string} */
        mode: 'explain' | 'tutor' | 'quiz';
        /** Format: date-time */
        createdAt: string;
        /** Format: date-time */
        updatedAt: string;
        /** @description every turn, in order */
        turns: {
          /** Format: uuid */
          id: string;
          /** @enum {string} */
          status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
          question: string;
          subject: string | null;
          level: string | null;
          language: string | null;
          answer: string | null;
          /** @description a cancelled job: the text streamed before the cancel (its `answer` stays null); null otherwise, and null while the worker has not yet written it */
          partialAnswer: string | null;
          /** @description requested provider until answered, then who answered */
          provider: string | null;
          model: string | null;
          /** @description what this job's provider calls used (nothing for an answer reused from the cache) */
          usage: {
            inputTokens: number;
            outputTokens: number;
            /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
            costUsd: number | null;
          } | null;
          /** @description the answer was reused, not asked of the model: the answer cache had it, or an identical first question in flight at the same time asked for it */
          cached: boolean;
          /** @description for a reused answer, what the call that wrote it used (null otherwise) */
          cachedUsage: {
            inputTokens: number;
            outputTokens: number;
            /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
            costUsd: number | null;
          } | null;
          /** @description provider calls made for this job, retries included */
          attempts: number;
          error: {
            /** @description stable machine-readable code, e.g. provider_rate_limited */
            code: string;
            message: string;
          } | null;
          /** Format: date-time */
          createdAt: string;
          /** Format: date-time */
          updatedAt: string;
          completedAt: string | null;
          /**
           * Format: uuid
           * @description the conversation this job is a turn of
           */
          conversationId: string;
          /** @description 1-based position in its conversation */
          turn: number;
          /** @enum {string} */
          mode: 'explain' | 'tutor' | 'quiz';
          /** @description the student's rating of the answer, if any */
          feedback: {
            /** @enum {string} */
            rating: 'up' | 'down';
            comment: string | null;
            /** Format: date-time */
            givenAt: string;
          } | null;
        }[];
      }[];
    };
    ProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
    } & {
      [key: string]: unknown;
    };
    ValidationProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @description one entry per invalid field (at most 20; field names cut at 100 characters); absent when the body is not JSON at all */
      errors?: {
        /** @description body, headers or params */
        in: string;
        /** @description the offending field ("" for the whole body) */
        field: string;
        message: string;
      }[];
      /** @description how many invalid fields there were, when more than `errors` lists */
      errorCount?: number;
    } & {
      [key: string]: unknown;
    };
    UnprocessableProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description provider_not_configured: `provider` names one this server lacks; model_not_allowed: `model` is not on the allowlist (LLM_MODELS)
       * @enum {string}
       */
      code: 'provider_not_configured' | 'model_not_allowed' | 'idempotency_key_reused';
      /** @description with provider_not_configured: the values `provider` may take here ([] when the server answers with the offline demo provider only: send no `provider`) */
      providers?: string[];
      /** @description with model_not_allowed: the values `model` may take here ([] when none may be named: send no `model`) */
      models?: string[];
    } & {
      [key: string]: unknown;
    };
    JobFailedProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      code: string;
      /** Format: uuid */
      jobId: string;
    } & {
      [key: string]: unknown;
    };
    JobNotCompletedProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'job_not_completed';
      /** Format: uuid */
      jobId: string;
    } & {
      [key: string]: unknown;
    };
    UnauthorizedProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description unauthenticated: no credentials (and this server admits no anonymous requests); invalid_token: a bearer token was sent but is malformed, expired, or not issued for this API (sign in again, or start a new guest session)
       * @enum {string}
       */
      code: 'unauthenticated' | 'invalid_token';
    } & {
      [key: string]: unknown;
    };
    GuestSessionInput: {
      /** @description the guest token: send it as `Authorization: Bearer <token>`; keep it secret */
      token: string;
      /**
       * Format: date-time
       * @description when the token stops being accepted
       */
      expiresAt: string;
      user: {
        id: string;
        /** @constant */
        kind: 'guest';
      };
    };
    RateLimitedProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'rate_limited';
    } & {
      [key: string]: unknown;
    };
    LimitReachedProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description quota_exceeded: the day's questions or tokens are used up (until `resetsAt`); too_many_pending: QUOTA_PENDING_JOBS questions are pending; too_many_streams: QUOTA_OPEN_STREAMS event streams are open on this server
       * @enum {string}
       */
      code: 'quota_exceeded' | 'too_many_pending' | 'too_many_streams';
      /**
       * @description the limit reached
       * @enum {string}
       */
      limit: 'questions' | 'tokens' | 'pending' | 'streams';
      /** @description what that limit allows (per UTC day, or at once) */
      allowed: number;
      /**
       * Format: date-time
       * @description with quota_exceeded: when the day resets (the next UTC midnight)
       */
      resetsAt?: string;
    } & {
      [key: string]: unknown;
    };
    UsageInput: {
      /**
       * Format: date
       * @description the UTC day counted
       */
      day: string;
      questions: {
        used: number;
        /** @description null: unlimited */
        limit: number | null;
      };
      tokens: {
        /** @description input and output, of the jobs settled today */
        used: number;
        /** @description null: unlimited */
        limit: number | null;
      };
      /** @description what today’s answers cost, in USD */
      costUsd: number;
      /**
       * Format: date-time
       * @description when the day ends (the next UTC midnight)
       */
      resetsAt: string;
    };
    JobInput: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      question: string;
      subject: string | null;
      level: string | null;
      language: string | null;
      answer: string | null;
      /** @description a cancelled job: the text streamed before the cancel (its `answer` stays null); null otherwise, and null while the worker has not yet written it */
      partialAnswer: string | null;
      /** @description requested provider until answered, then who answered */
      provider: string | null;
      model: string | null;
      /** @description what this job's provider calls used (nothing for an answer reused from the cache) */
      usage: {
        inputTokens: number;
        outputTokens: number;
        /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
        costUsd: number | null;
      } | null;
      /** @description the answer was reused, not asked of the model: the answer cache had it, or an identical first question in flight at the same time asked for it */
      cached: boolean;
      /** @description for a reused answer, what the call that wrote it used (null otherwise) */
      cachedUsage: {
        inputTokens: number;
        outputTokens: number;
        /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
        costUsd: number | null;
      } | null;
      /** @description provider calls made for this job, retries included */
      attempts: number;
      error: {
        /** @description stable machine-readable code, e.g. provider_rate_limited */
        code: string;
        message: string;
      } | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      completedAt: string | null;
      /**
       * Format: uuid
       * @description the conversation this job is a turn of
       */
      conversationId: string;
      /** @description 1-based position in its conversation */
      turn: number;
      /** @enum {string} */
      mode: 'explain' | 'tutor' | 'quiz';
      /** @description the student's rating of the answer, if any */
      feedback: {
        /** @enum {string} */
        rating: 'up' | 'down';
        comment: string | null;
        /** Format: date-time */
        givenAt: string;
      } | null;
    };
    ConversationInput: {
      /** Format: uuid */
      id: string;
      /** @description its first question, cut at 80 characters */
      title: string;
      subject: string | null;
      level: string | null;
      language: string | null;
      /** @enum {string} */
      mode: 'explain' | 'tutor' | 'quiz';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /** @description its turns (jobs), in order: the latest `limit` (50 by default) before `cursor` */
      turns: components['schemas']['JobInput'][];
      /** @description how many turns it has in all */
      turnCount: number;
      /** @description the cursor of the earlier turns (pass it as `cursor`); null when these are the first */
      next: string | null;
    };
    ConversationListInput: {
      items: {
        /** Format: uuid */
        id: string;
        /** @description its first question, cut at 80 characters */
        title: string;
        subject: string | null;
        /** @enum {string} */
        mode: 'explain' | 'tutor' | 'quiz';
        /** @description how many turns it has */
        turns: number;
        /** Format: date-time */
        createdAt: string;
        /**
         * Format: date-time
         * @description when its latest turn was asked
         */
        updatedAt: string;
      }[];
      /** @description the cursor of the next page (pass it as `cursor`); null on the last page */
      next: string | null;
    };
    InvalidGuestTokenProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'invalid_guest_token';
    } & {
      [key: string]: unknown;
    };
    ClaimResultInput: {
      /** @description conversations taken over now */
      claimed: number;
    };
    SignInRequiredProblemInput: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'sign_in_required';
    } & {
      [key: string]: unknown;
    };
    Principal: {
      /** @description stable: a signed-in user's `sub` as the issuer gives it, `guest:<uuid>`, `app:<id>` or `anonymous` */
      id: string;
      /** @enum {string} */
      kind: 'guest' | 'student' | 'teacher' | 'app' | 'anonymous';
    };
    DataExport: {
      /** Format: date-time */
      exportedAt: string;
      user: components['schemas']['Principal'];
      /** @description every conversation, most recently updated first */
      conversations: {
        /** Format: uuid */
        id: string;
        /** @description its first question, cut at 80 characters */
        title: string;
        subject: string | null;
        level: string | null;
        language: string | null;
        /** @enum {string} */
        mode: 'explain' | 'tutor' | 'quiz';
        /** Format: date-time */
        createdAt: string;
        /** Format: date-time */
        updatedAt: string;
        /** @description every turn, in order */
        turns: {
          /** Format: uuid */
          id: string;
          /** @enum {string} */
          status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
          question: string;
          subject: string | null;
          level: string | null;
          language: string | null;
          answer: string | null;
          /** @description a cancelled job: the text streamed before the cancel (its `answer` stays null); null otherwise, and null while the worker has not yet written it */
          partialAnswer: string | null;
          /** @description requested provider until answered, then who answered */
          provider: string | null;
          model: string | null;
          /** @description what this job's provider calls used (nothing for an answer reused from the cache) */
          usage: {
            inputTokens: number;
            outputTokens: number;
            /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
            costUsd: number | null;
          } | null;
          /** @description the answer was reused, not asked of the model: the answer cache had it, or an identical first question in flight at the same time asked for it */
          cached: boolean;
          /** @description for a reused answer, what the call that wrote it used (null otherwise) */
          cachedUsage: {
            inputTokens: number;
            outputTokens: number;
            /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
            costUsd: number | null;
          } | null;
          /** @description provider calls made for this job, retries included */
          attempts: number;
          error: {
            /** @description stable machine-readable code, e.g. provider_rate_limited */
            code: string;
            message: string;
          } | null;
          /** Format: date-time */
          createdAt: string;
          /** Format: date-time */
          updatedAt: string;
          completedAt: string | null;
          /**
           * Format: uuid
           * @description the conversation this job is a turn of
           */
          conversationId: string;
          /** @description 1-based position in its conversation */
          turn: number;
          /** @enum {string} */
          mode: 'explain' | 'tutor' | 'quiz';
          /** @description the student's rating of the answer, if any */
          feedback: {
            /** @enum {string} */
            rating: 'up' | 'down';
            comment: string | null;
            /** Format: date-time */
            givenAt: string;
          } | null;
        }[];
      }[];
    };
    Problem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
    } & {
      [key: string]: unknown;
    };
    ValidationProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @description one entry per invalid field (at most 20; field names cut at 100 characters); absent when the body is not JSON at all */
      errors?: {
        /** @description body, headers or params */
        in: string;
        /** @description the offending field ("" for the whole body) */
        field: string;
        message: string;
      }[];
      /** @description how many invalid fields there were, when more than `errors` lists */
      errorCount?: number;
    } & {
      [key: string]: unknown;
    };
    UnprocessableProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description provider_not_configured: `provider` names one this server lacks; model_not_allowed: `model` is not on the allowlist (LLM_MODELS)
       * @enum {string}
       */
      code: 'provider_not_configured' | 'model_not_allowed' | 'idempotency_key_reused';
      /** @description with provider_not_configured: the values `provider` may take here ([] when the server answers with the offline demo provider only: send no `provider`) */
      providers?: string[];
      /** @description with model_not_allowed: the values `model` may take here ([] when none may be named: send no `model`) */
      models?: string[];
    } & {
      [key: string]: unknown;
    };
    JobFailedProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      code: string;
      /** Format: uuid */
      jobId: string;
    } & {
      [key: string]: unknown;
    };
    JobNotCompletedProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'job_not_completed';
      /** Format: uuid */
      jobId: string;
    } & {
      [key: string]: unknown;
    };
    UnauthorizedProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description unauthenticated: no credentials (and this server admits no anonymous requests); invalid_token: a bearer token was sent but is malformed, expired, or not issued for this API (sign in again, or start a new guest session)
       * @enum {string}
       */
      code: 'unauthenticated' | 'invalid_token';
    } & {
      [key: string]: unknown;
    };
    GuestSession: {
      /** @description the guest token: send it as `Authorization: Bearer <token>`; keep it secret */
      token: string;
      /**
       * Format: date-time
       * @description when the token stops being accepted
       */
      expiresAt: string;
      user: {
        id: string;
        /** @constant */
        kind: 'guest';
      };
    };
    RateLimitedProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'rate_limited';
    } & {
      [key: string]: unknown;
    };
    LimitReachedProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /**
       * @description quota_exceeded: the day's questions or tokens are used up (until `resetsAt`); too_many_pending: QUOTA_PENDING_JOBS questions are pending; too_many_streams: QUOTA_OPEN_STREAMS event streams are open on this server
       * @enum {string}
       */
      code: 'quota_exceeded' | 'too_many_pending' | 'too_many_streams';
      /**
       * @description the limit reached
       * @enum {string}
       */
      limit: 'questions' | 'tokens' | 'pending' | 'streams';
      /** @description what that limit allows (per UTC day, or at once) */
      allowed: number;
      /**
       * Format: date-time
       * @description with quota_exceeded: when the day resets (the next UTC midnight)
       */
      resetsAt?: string;
    } & {
      [key: string]: unknown;
    };
    Usage: {
      /**
       * Format: date
       * @description the UTC day counted
       */
      day: string;
      questions: {
        used: number;
        /** @description null: unlimited */
        limit: number | null;
      };
      tokens: {
        /** @description input and output, of the jobs settled today */
        used: number;
        /** @description null: unlimited */
        limit: number | null;
      };
      /** @description what today’s answers cost, in USD */
      costUsd: number;
      /**
       * Format: date-time
       * @description when the day ends (the next UTC midnight)
       */
      resetsAt: string;
    };
    Job: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      question: string;
      subject: string | null;
      level: string | null;
      language: string | null;
      answer: string | null;
      /** @description a cancelled job: the text streamed before the cancel (its `answer` stays null); null otherwise, and null while the worker has not yet written it */
      partialAnswer: string | null;
      /** @description requested provider until answered, then who answered */
      provider: string | null;
      model: string | null;
      /** @description what this job's provider calls used (nothing for an answer reused from the cache) */
      usage: {
        inputTokens: number;
        outputTokens: number;
        /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
        costUsd: number | null;
      } | null;
      /** @description the answer was reused, not asked of the model: the answer cache had it, or an identical first question in flight at the same time asked for it */
      cached: boolean;
      /** @description for a reused answer, what the call that wrote it used (null otherwise) */
      cachedUsage: {
        inputTokens: number;
        outputTokens: number;
        /** @description what the provider calls cost in USD (6 decimals), by the price table (LLM_PRICES); null when a model's price is unknown; 0 for the offline demo provider */
        costUsd: number | null;
      } | null;
      /** @description provider calls made for this job, retries included */
      attempts: number;
      error: {
        /** @description stable machine-readable code, e.g. provider_rate_limited */
        code: string;
        message: string;
      } | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      completedAt: string | null;
      /**
       * Format: uuid
       * @description the conversation this job is a turn of
       */
      conversationId: string;
      /** @description 1-based position in its conversation */
      turn: number;
      /** @enum {string} */
      mode: 'explain' | 'tutor' | 'quiz';
      /** @description the student's rating of the answer, if any */
      feedback: {
        /** @enum {string} */
        rating: 'up' | 'down';
        comment: string | null;
        /** Format: date-time */
        givenAt: string;
      } | null;
    };
    Conversation: {
      /** Format: uuid */
      id: string;
      /** @description its first question, cut at 80 characters */
      title: string;
      subject: string | null;
      level: string | null;
      language: string | null;
      /** @enum {string} */
      mode: 'explain' | 'tutor' | 'quiz';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /** @description its turns (jobs), in order: the latest `limit` (50 by default) before `cursor` */
      turns: components['schemas']['Job'][];
      /** @description how many turns it has in all */
      turnCount: number;
      /** @description the cursor of the earlier turns (pass it as `cursor`); null when these are the first */
      next: string | null;
    };
    ConversationList: {
      items: {
        /** Format: uuid */
        id: string;
        /** @description its first question, cut at 80 characters */
        title: string;
        subject: string | null;
        /** @enum {string} */
        mode: 'explain' | 'tutor' | 'quiz';
        /** @description how many turns it has */
        turns: number;
        /** Format: date-time */
        createdAt: string;
        /**
         * Format: date-time
         * @description when its latest turn was asked
         */
        updatedAt: string;
      }[];
      /** @description the cursor of the next page (pass it as `cursor`); null on the last page */
      next: string | null;
    };
    InvalidGuestTokenProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'invalid_guest_token';
    } & {
      [key: string]: unknown;
    };
    ClaimResult: {
      /** @description conversations taken over now */
      claimed: number;
    };
    SignInRequiredProblem: {
      /** @description a URI reference naming the kind of problem */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance?: string;
      /** @constant */
      code: 'sign_in_required';
    } & {
      [key: string]: unknown;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
type FlattenedDeepRequired<T> = {
  [K in keyof T]-?: FlattenedDeepRequired<
    T[K] extends unknown[] | undefined | null ? Extract<T[K], unknown[]>[number] : T[K]
  >;
};
type ReadonlyArray<T> = [Exclude<T, undefined>] extends [unknown[]]
  ? Readonly<Exclude<T, undefined>>
  : Readonly<Exclude<T, undefined>[]>;
export const pathsHealthGetResponses200ContentApplicationJsonStatusValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/health']['get']['responses']['200']['content']['application/json']['status']
> = ['ok'];
export const pathsApiV1AskPostRequestBodyContentApplicationJsonModeValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/ask']['post']['requestBody']['content']['application/json']['mode']
> = ['explain', 'tutor', 'quiz'];
export const pathsApiV1AskPostResponses200ContentTextEventStreamEventValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/ask']['post']['responses']['200']['content']['text/event-stream']['event']
> = ['job', 'delta', 'reset', 'done'];
export const pathsApiV1JobsIdEventsGetResponses200ContentTextEventStreamEventValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/jobs/{id}/events']['get']['responses']['200']['content']['text/event-stream']['event']
> = ['job', 'delta', 'reset', 'done'];
export const pathsApiV1JobsIdFeedbackPutRequestBodyContentApplicationJsonRatingValues: ReadonlyArray<
  FlattenedDeepRequired<paths>['/api/v1/jobs/{id}/feedback']['put']['requestBody']['content']['application/json']['rating']
> = ['up', 'down'];
export const principalInputKindValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['PrincipalInput']['kind']
> = ['guest', 'student', 'teacher', 'app', 'anonymous'];
export const dataExportInputConversationsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExportInput']['conversations']['mode']
> = ['explain', 'tutor', 'quiz'];
export const dataExportInputConversationsTurnsStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExportInput']['conversations']['turns']['status']
> = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const dataExportInputConversationsTurnsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExportInput']['conversations']['turns']['mode']
> = ['explain', 'tutor', 'quiz'];
export const dataExportInputConversationsTurnsFeedbackAnyOf0RatingValues: ReadonlyArray<
  Extract<
    FlattenedDeepRequired<components>['schemas']['DataExportInput']['conversations']['turns']['feedback'],
    {
      rating: unknown;
    }
  >['rating']
> = ['up', 'down'];
export const unprocessableProblemInputCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UnprocessableProblemInput']['code']
> = ['provider_not_configured', 'model_not_allowed', 'idempotency_key_reused'];
export const unauthorizedProblemInputCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UnauthorizedProblemInput']['code']
> = ['unauthenticated', 'invalid_token'];
export const limitReachedProblemInputCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['LimitReachedProblemInput']['code']
> = ['quota_exceeded', 'too_many_pending', 'too_many_streams'];
export const limitReachedProblemInputLimitValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['LimitReachedProblemInput']['limit']
> = ['questions', 'tokens', 'pending', 'streams'];
export const jobInputStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['JobInput']['status']
> = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const jobInputModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['JobInput']['mode']
> = ['explain', 'tutor', 'quiz'];
export const jobInputFeedbackAnyOf0RatingValues: ReadonlyArray<
  Extract<
    FlattenedDeepRequired<components>['schemas']['JobInput']['feedback'],
    {
      rating: unknown;
    }
  >['rating']
> = ['up', 'down'];
export const conversationInputModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConversationInput']['mode']
> = ['explain', 'tutor', 'quiz'];
export const conversationListInputItemsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConversationListInput']['items']['mode']
> = ['explain', 'tutor', 'quiz'];
export const principalKindValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['Principal']['kind']
> = ['guest', 'student', 'teacher', 'app', 'anonymous'];
export const dataExportConversationsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExport']['conversations']['mode']
> = ['explain', 'tutor', 'quiz'];
export const dataExportConversationsTurnsStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExport']['conversations']['turns']['status']
> = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const dataExportConversationsTurnsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['DataExport']['conversations']['turns']['mode']
> = ['explain', 'tutor', 'quiz'];
export const dataExportConversationsTurnsFeedbackAnyOf0RatingValues: ReadonlyArray<
  Extract<
    FlattenedDeepRequired<components>['schemas']['DataExport']['conversations']['turns']['feedback'],
    {
      rating: unknown;
    }
  >['rating']
> = ['up', 'down'];
export const unprocessableProblemCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UnprocessableProblem']['code']
> = ['provider_not_configured', 'model_not_allowed', 'idempotency_key_reused'];
export const unauthorizedProblemCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['UnauthorizedProblem']['code']
> = ['unauthenticated', 'invalid_token'];
export const limitReachedProblemCodeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['LimitReachedProblem']['code']
> = ['quota_exceeded', 'too_many_pending', 'too_many_streams'];
export const limitReachedProblemLimitValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['LimitReachedProblem']['limit']
> = ['questions', 'tokens', 'pending', 'streams'];
export const jobStatusValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['Job']['status']
> = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const jobModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['Job']['mode']
> = ['explain', 'tutor', 'quiz'];
export const jobFeedbackAnyOf0RatingValues: ReadonlyArray<
  Extract<
    FlattenedDeepRequired<components>['schemas']['Job']['feedback'],
    {
      rating: unknown;
    }
  >['rating']
> = ['up', 'down'];
export const conversationModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['Conversation']['mode']
> = ['explain', 'tutor', 'quiz'];
export const conversationListItemsModeValues: ReadonlyArray<
  FlattenedDeepRequired<components>['schemas']['ConversationList']['items']['mode']
> = ['explain', 'tutor', 'quiz'];
export type operations = Record<string, never>;

/** Length limits of the request bodies' string fields (their `maxLength`). */
export const maxLengths = {
  ask: { question: 8000, subject: 100, level: 50, language: 35 },
  feedback: { comment: 2000 },
} as const;
