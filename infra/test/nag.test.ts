import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../lib/app.js';
import { synthesize, TEST_CONTEXT, type Synthesized } from './support/synth.js';

let app: Synthesized;
beforeAll(() => {
  app = synthesize();
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every cdk-nag acknowledgement recorded in the app (CDK's own CloudFormation-Validate ones aside). */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({
        path: construct.node.path,
        id: key.replace(/^annotation::/i, ''),
        reason,
      }))
      .filter((ack) => ack.id.startsWith('AwsSolutions-')),
  );
}

describe('cdk-nag AwsSolutions pack', () => {
  it('reports zero unacknowledged findings on both stacks', () => {
    const report = new AwsSolutionsChecks().validateScope(app.app);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('is wired into the app: one unacknowledged finding makes synth fail', () => {
    const built = createApp({ context: { ...TEST_CONTEXT } });
    // A queue with no dead-letter queue and no TLS-only policy: AwsSolutions-SQS3 and SQS4.
    new sqs.Queue(built.service, 'StrayQueue');
    expect(() => built.app.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('acknowledges findings one by one, never a whole rule family on a whole stack', () => {
    const acks = acknowledgements(app.app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      // Wildcard and managed-policy rules report one finding per resource/policy: name it.
      if (/^AwsSolutions-IAM[45]/.test(ack.id)) expect(ack.id).toMatch(/\[.+\]$/);
      // Acknowledged on the construct concerned, not on the app or a stack.
      expect(ack.path.split('/').length).toBeGreaterThan(1);
    }
  });

  it('gives every acknowledgement a specific written reason', () => {
    const generic =
      /^(n\/?a|ok|fine|todo|not (needed|applicable|required)|suppress(ed)?|ignore[d]?)\.?$/i;
    for (const { id, path, reason } of acknowledgements(app.app)) {
      const context = `${id} at ${path}`;
      expect(reason.trim(), context).not.toMatch(generic);
      expect(reason.length, context).toBeGreaterThanOrEqual(80);
      expect(reason.split(/\s+/).length, context).toBeGreaterThanOrEqual(15);
    }
  });

  it('has no stale acknowledgement: each one silences a finding that really occurs there', () => {
    const pack = new AwsSolutionsChecks();
    // Ask the pack for every finding, acknowledged or not.
    (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
    const raw = pack.validateScope(app.app).violations;
    for (const ack of acknowledgements(app.app)) {
      const silenced = raw.some(
        (violation) =>
          violation.ruleName === ack.id &&
          violation.violatingResources.some(
            (resource) =>
              resource.constructPath === ack.path ||
              (resource.constructPath ?? '').startsWith(`${ack.path}/`),
          ),
      );
      expect(silenced, `${ack.id} at ${ack.path}`).toBe(true);
    }
  });
});
