import type { Principal } from '@iscoolgpt/shared';

/** A bearer token that passed every check: who it names, and until when (its `exp`). */
export interface VerifiedToken {
  principal: Principal;
  expiresAtMs: number;
}
