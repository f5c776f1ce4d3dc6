#!/usr/bin/env bash
# Lints the CloudFormation templates the CDK app synthesizes (infra/cdk.out/*.template.json) with
# cfn-lint, pinned and installed from PyPI into a venv in .cache/ (git-ignored), as the moto venv
# is. It synthesizes both profiles first: the default app (env dev, the development profile) into
# infra/cdk.out and env prod (the production profile, with the alarm subscriber it requires, the
# deploy workflow's roles and GitHub's OIDC provider) into infra/cdk.out/production. A rule that
# stays off is silenced on the one resource concerned, with its reason in the code beside it
# (Metadata cfn-lint ignore_checks), or in infra/.cfnlintrc.yaml. Arguments go to cfn-lint.
set -euo pipefail
cd "$(dirname "$0")/.."

CFN_LINT_VERSION=1.58.0
venv="$PWD/.cache/cfn-lint-venv"

if [[ "$("$venv/bin/pip" show cfn-lint 2>/dev/null | sed -n 's/^Version: //p')" != "$CFN_LINT_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi
npm run synth
npm run cdk -w infra -- synth --quiet -c env=prod -c alarmEmail=oncall@example.com \
  -c githubRepository=iscoolgpt/iscoolgpt -c githubOidcProvider=true -o cdk.out/production

shopt -s nullglob
templates=(infra/cdk.out/*.template.json infra/cdk.out/production/*.template.json)
if [[ ${#templates[@]} -eq 0 ]]; then
  echo "cfn-lint: no templates in infra/cdk.out (did synth run?)" >&2
  exit 1
fi
"$venv/bin/cfn-lint" --config-file infra/.cfnlintrc.yaml "$@" -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates clean"
