/**
 * The first deploy in an empty account is written down twice (the root README runs it by hand,
 * docs/release.md sets up the deploy workflow): both must give the one order that works, each
 * step after what it needs. An environment's stacks need API Gateway's logging role
 * (IsCoolGpt-Account); the service stack needs the base stack and a key in every secret.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../docker/test/support/dockerfile.js';

const STEPS = [
  ['bootstrap', /cdk -w infra -- bootstrap/],
  ['account stack', /cdk -w infra -- deploy IsCoolGpt-Account\b/],
  ['base stack', /cdk -w infra -- deploy "IsCoolGpt-\$ENV-Base"/],
  ['provider keys', /aws secretsmanager put-secret-value/],
  ['preflight', /scripts\/deploy-preflight\.ts/],
] as const;

function positions(text: string) {
  return STEPS.map(([name, pattern]) => ({ name, at: text.search(pattern) }));
}

describe.each([
  ['README.md', '## Deploying to AWS'],
  ['docs/release.md', '## First deploy'],
])('the first deploy in %s', (file, heading) => {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const section = text.slice(text.indexOf(heading));

  it('has every step: bootstrap, the account stack, the base stack, the keys, the preflight', () => {
    expect(positions(section).filter((step) => step.at < 0)).toEqual([]);
  });

  it('gives them in the order that works in an empty account', () => {
    const found = positions(section);
    expect([...found].sort((a, b) => a.at - b.at).map((s) => s.name)).toEqual(
      found.map((s) => s.name),
    );
  });
});

describe('the service stack', () => {
  it('is deployed by hand only after the preflight (README), and by the workflow after it too', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Deploying to AWS'));
    expect(section.search(/cdk -w infra -- deploy "IsCoolGpt-\$ENV" /)).toBeGreaterThan(
      section.search(/scripts\/deploy-preflight\.ts/),
    );
  });
});
