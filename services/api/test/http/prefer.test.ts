import { describe, expect, it } from 'vitest';
import { resolveWait } from '../../src/http/prefer.js';

describe('Prefer header (RFC 7240)', () => {
  it.each([
    // Nothing sent, nothing honoured: the default applies and nothing is echoed.
    [undefined, 20, { seconds: 20, applied: undefined }],
    ['respond-async', 20, { seconds: 0, applied: 'respond-async' }],
    ['wait=7', 20, { seconds: 7, applied: 'wait=7' }],
    ['WAIT = 3', 20, { seconds: 3, applied: 'wait=3' }],
    ['wait=99', 20, { seconds: 25, applied: 'wait=25' }],
    ['wait=0', 20, { seconds: 0, applied: 'wait=0' }],
    ['respond-async, wait=4', 20, { seconds: 4, applied: 'respond-async, wait=4' }],
    ['handling=lenient, wait="2"', 20, { seconds: 2, applied: 'wait=2' }],
    ['wait=soon', 20, { seconds: 20, applied: undefined }],
    ['wait=-5', 20, { seconds: 20, applied: undefined }],
    ['wait=-1', 20, { seconds: 20, applied: undefined }],
    ['wait=1e-7', 20, { seconds: 20, applied: undefined }],
    ['wait=2.5', 20, { seconds: 20, applied: undefined }],
    ['handling=strict', 20, { seconds: 20, applied: undefined }],
  ])('%s (default %s s) → %o', (header, fallback, expected) => {
    expect(resolveWait(header, fallback)).toEqual(expected);
  });
});
