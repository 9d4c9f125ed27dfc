#!/usr/bin/env bash
# Give the DfE CIN census validator (csc-validator-be-cin) its own venv, apart from the app's:
# it pins pandas<2, breaks with numpy 2 ("numpy.dtype size changed") and imports pytest
# without declaring it (docs: RETURNS.md section 1). The app runs it as a subprocess
# (returns/validator.py -> returns/validator_runner.py).
# Idempotent and quick: when the venv imports the validator at the pinned version it only checks.
# Usage: scripts/ensure-cin-validator.sh [VENV_DIR]   (default var/cin-validator-venv)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${1:-${CIN_VALIDATOR_VENV:-var/cin-validator-venv}}
VERSION=0.1.13
STAMP="$VENV/.installed-$VERSION"

if [ -f "$STAMP" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi
echo "Installing the CIN census validator csc-validator-be-cin==$VERSION into $VENV"
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet "csc-validator-be-cin==$VERSION" "numpy<2" pytest
# Prove it imports and finds a ruleset before saying it is installed.
"$VENV/bin/python" -W ignore -c \
    'from cin_validator.rules.ruleset_utils import get_year_ruleset; get_year_ruleset("2026")'
touch "$STAMP"
