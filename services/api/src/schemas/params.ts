import { z } from 'zod';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A resource id in a path: a UUID in either case (UUIDs are case-insensitive, RFC 9562), read
 * lowercase, the way ids are stored. Anything else, an over-long value included, is a 400.
 */
export const uuidParam = (what: string) =>
  z
    .string()
    .regex(UUID, `must be a ${what} id (UUID)`)
    .transform((id) => id.toLowerCase())
    .describe(`the ${what} id (a UUID, either case)`);

/** `{ id }` path parameters for routes under `/…/{id}`. */
export const idParams = (what: string) => z.object({ id: uuidParam(what) });
