#!/usr/bin/env bash
# Waits until both ECS services of the service stack are stable (the deployment finished, the
# desired count running). The service names come from the stack's outputs (ApiServiceName,
# WorkerServiceName) in the `cdk deploy --outputs-file` given, so the deploy role needs
# DescribeServices on those two services only. Reads DEPLOY_ENV.
set -euo pipefail
outputs="$1"
stack="IsCoolGpt-${DEPLOY_ENV:?}"
cluster="iscoolgpt-${DEPLOY_ENV}"
api=$(jq -er --arg stack "$stack" '.[$stack].ApiServiceName' "$outputs")
worker=$(jq -er --arg stack "$stack" '.[$stack].WorkerServiceName' "$outputs")
aws ecs wait services-stable --cluster "$cluster" --services "$api" "$worker"
