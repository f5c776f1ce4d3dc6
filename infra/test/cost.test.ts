/**
 * infra/README.md's cost tables, generated from the synthesized stacks: every idle item is
 * recomputed from the templates (task sizes and floors, capacity provider base, NAT gateways,
 * public addresses, endpoints, alarms…) with the list prices in support/cost.ts, and every cost per
 * 1,000 questions from the stated load (support/unit-cost.ts). A resized task, an added NAT
 * gateway or endpoint fails here until the tables follow:
 *
 *   UPDATE_COST_TABLES=1 npx vitest run infra/test/cost.test.ts   # rewrites the tables
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  idleCost,
  NO_IDLE_CHARGE_PREFIXES,
  PRICED_TYPES,
  PRICES,
  total,
  type CostItem,
} from './support/cost.js';
import { synthesize, type Synthesized } from './support/synth.js';
import { costPerThousandQuestions, type UnitCost } from './support/unit-cost.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const UPDATE = process.env.UPDATE_COST_TABLES === '1';

const profiles = {
  production: {},
  development: { profile: 'development' },
} as const;
type Profile = keyof typeof profiles;

const usd = (value: number, digits = 2) => value.toFixed(digits);
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function idleTable(items: CostItem[]): string {
  return [
    row(['item', 'quantity', 'USD / month']),
    row(['---', '---', '---:']),
    ...items.map((i) => row([i.item, i.quantity, usd(i.monthly)])),
    row(['**total**', '', `**${usd(total(items))}**`]),
  ].join('\n');
}

function unitTable(cost: UnitCost): string {
  return [
    row(['item', 'quantity', 'USD per 1,000 questions']),
    row(['---', '---', '---:']),
    ...cost.rows.map((i) => row([i.item, i.quantity, usd(i.monthly, 4)])),
    row(['**AWS**', '', `**${usd(cost.aws, 4)}**`]),
    row([cost.llm.item, cost.llm.quantity, usd(cost.llm.monthly, 4)]),
    row(['**with the LLM**', '', `**${usd(cost.aws + cost.llm.monthly, 4)}**`]),
  ].join('\n');
}

/** The README with the generated table between `<!-- cost:<name> -->` and `<!-- /cost -->`. */
function withTable(text: string, name: string, table: string): string {
  const pattern = new RegExp(`(<!-- cost:${name} -->)[\\s\\S]*?(<!-- /cost -->)`);
  expect(text, `infra/README.md has no <!-- cost:${name} --> section`).toMatch(pattern);
  // A function, so the `$` of the figures is not read as a replacement pattern.
  return text.replace(
    pattern,
    (_all, open: string, close: string) => `${open}\n\n${table}\n\n${close}`,
  );
}

const apps = {} as Record<Profile, Synthesized>;
beforeAll(() => {
  // The prices are us-east-1's.
  for (const [profile, context] of Object.entries(profiles)) {
    apps[profile as Profile] = synthesize({ region: 'us-east-1', ...context });
  }
});

async function generatedReadme(): Promise<string> {
  let text = readme;
  for (const profile of Object.keys(profiles) as Profile[]) {
    text = withTable(text, `idle:${profile}`, idleTable(idleCost(apps[profile])));
    text = withTable(
      text,
      `per-1000:${profile}`,
      unitTable(costPerThousandQuestions(apps[profile])),
    );
  }
  const options = await prettier.resolveConfig(readmePath);
  return prettier.format(text, { ...options, filepath: readmePath });
}

describe('infra/README.md cost tables', () => {
  let generated: string;
  beforeAll(async () => {
    generated = await generatedReadme();
  });
  afterAll(() => {
    if (UPDATE && generated && generated !== readme) writeFileSync(readmePath, generated);
  });

  it('are what the synthesized templates and the stated load give (UPDATE_COST_TABLES=1 rewrites them)', () => {
    if (!UPDATE) expect(readme).toBe(generated);
  });

  it('are about stacks synthesized on their profiles', () => {
    expect(apps.production.config.profile).toBe('production');
    expect(apps.development.config.profile).toBe('development');
  });

  it('keep the development profile idle at or under $60 a month', () => {
    expect(total(idleCost(apps.development))).toBeLessThanOrEqual(60);
  });

  it('price the LLM of the default model', () => {
    expect(apps.production.config.app.openaiModel).toBe(PRICES.llm.model);
  });

  it.each(Object.keys(profiles) as Profile[])(
    'leave out no resource type of the %s profile that costs money while idle',
    (profile) => {
      const app = apps[profile];
      const types = new Set(
        [app.template, app.baseTemplate, Template.fromStack(app.account)].flatMap((template) =>
          Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(
            (r) => r.Type,
          ),
        ),
      );
      const unclassified = [...types].filter(
        (type) =>
          !PRICED_TYPES.includes(type) &&
          !NO_IDLE_CHARGE_PREFIXES.some((prefix) => type.startsWith(prefix)),
      );
      expect(unclassified).toEqual([]);
    },
  );
});
