/**
 * infra/README.md's cost tables against the synthesized stacks: every item the README prices is
 * recomputed from the templates (and list prices in support/cost.ts), so resizing a task, adding
 * a NAT gateway or an endpoint, or moving the worker off Spot fails here until the table follows.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import {
  idleCost,
  NO_IDLE_CHARGE_PREFIXES,
  PRICED_TYPES,
  total,
  type CostItem,
} from './support/cost.js';
import { synthesize, type Synthesized } from './support/synth.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the table under `### <profile> profile` in the README's Cost section. */
function readmeTable(profile: string): { rows: CostItem[]; total: number } {
  const section = readme.split(`### ${profile} profile`)[1]?.split(/\n#{2,3} /)[0] ?? '';
  const cells = section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1) // header
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/\*\*/g, '')),
    );
  const totalRow = cells.find(([item]) => item === 'total');
  return {
    rows: cells
      .filter(([item]) => item !== 'total')
      .map(([item, quantity, monthly]) => ({
        item: item!,
        quantity: quantity!,
        monthly: Number(monthly),
      })),
    total: Number(totalRow?.[2]),
  };
}

const profiles = {
  production: {},
  development: { profile: 'development' },
} as const;

describe.each(Object.entries(profiles))(
  'the README cost table of the %s profile',
  (profile, context) => {
    let app: Synthesized;
    beforeAll(() => {
      // The prices are us-east-1's.
      app = synthesize({ region: 'us-east-1', ...context });
    });

    it('is about a stack synthesized on that profile', () => {
      expect(app.config.profile).toBe(profile);
    });

    it('prices every item the stack keeps running, and nothing it does not have', () => {
      expect(readmeTable(profile).rows.map((r) => r.item)).toEqual(
        idleCost(app).map((i) => i.item),
      );
    });

    it('gives each item the quantity the templates hold (tasks, sizes, NAT, endpoints, alarms)', () => {
      expect(readmeTable(profile).rows.map((r) => r.quantity)).toEqual(
        idleCost(app).map((i) => i.quantity),
      );
    });

    it('gives each item its monthly list-price figure', () => {
      expect(readmeTable(profile).rows.map((r) => r.monthly)).toEqual(
        idleCost(app).map((i) => i.monthly),
      );
    });

    it('leaves out no resource type that costs money while idle', () => {
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
    });

    it('adds up to its total', () => {
      const table = readmeTable(profile);
      expect(table.total).toBe(total(table.rows));
      expect(table.total).toBe(total(idleCost(app)));
    });
  },
);
