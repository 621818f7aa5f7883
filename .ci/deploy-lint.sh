#!/usr/bin/env bash
# Offline checks of the deployment files (deploy/):
#  - deploy/aws/*.yaml: cfn-lint with no error or warning, and checkov with no failed check (each
#    suppression carries its reason in the template's Metadata);
#  - deploy/k8s/*.yaml: kubernetes-validate --strict against a pinned Kubernetes version;
#  - deploy/docker/Dockerfile: checkov's Dockerfile checks.
# The tools are pinned and installed into their own virtualenv, so they cannot disturb (or be
# disturbed by) other Python packages on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${SHOWROOM_DEPLOY_LINT_VENV:-/var/tmp/showroom-deploy-lint-venv}"
PINS=(cfn-lint==1.51.0 checkov==3.3.30 kubernetes-validate==1.37.0)
KUBERNETES_VERSION=1.30.0

if ! "$VENV/bin/python" -m pip freeze 2>/dev/null | grep -qx 'checkov==3.3.30'; then
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}" \
    || { echo "deploy-lint: installing ${PINS[*]} failed" >&2; exit 1; }
fi
export PATH="$VENV/bin:$PATH"

echo "cfn-lint $(cfn-lint --version | awk '{print $2}'): deploy/aws"
cfn-lint --regions us-east-1 -- deploy/aws/*.yaml

echo "checkov $(checkov --version): deploy/aws (CloudFormation) and deploy/docker (Dockerfile)"
checkov --skip-download --quiet --compact --framework cloudformation -d deploy/aws
checkov --skip-download --quiet --compact --framework dockerfile -f deploy/docker/Dockerfile

echo "kubernetes-validate (Kubernetes $KUBERNETES_VERSION, strict): deploy/k8s"
kubernetes-validate --strict --quiet -k "$KUBERNETES_VERSION" deploy/k8s/*.yaml
echo "deploy-lint: all deployment files pass"
