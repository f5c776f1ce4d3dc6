/** A stream id, `<milliseconds>-<sequence>`: the origin `0-0` comes before every event. */
export const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;

/**
 * Orders two stream ids (`ms-seq`, each part a decimal integer that may exceed 2^53), part by
 * part as digit strings: the longer is the larger, else the later in character order. Called for
 * every live event, so no BigInt and no arrays.
 */
export function compareIds(a: string, b: string): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (
    compareDigits(a.slice(0, aDash), b.slice(0, bDash)) ||
    compareDigits(a.slice(aDash + 1), b.slice(bDash + 1))
  );
}

/** Two non-negative decimal integers (leading zeros allowed: a client's Last-Event-ID may have them). */
function compareDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a[i] === '0') i++;
  let j = 0;
  while (j < b.length - 1 && b[j] === '0') j++;
  if (a.length - i !== b.length - j) return a.length - i < b.length - j ? -1 : 1;
  for (; i < a.length; i++, j++) {
    if (a[i] !== b[j]) return a[i]! < b[j]! ? -1 : 1;
  }
  return 0;
}
