#!/usr/bin/env bash
# Writes requirements/constraints.txt (`make constraints`): the newest versions pyproject.toml
# allows for svodka and its dev extra, as pip resolves them in a fresh virtualenv. Run
# `make test` with the new file (it reinstalls .venv from it) before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e '.[dev]'
{
    echo "# The versions the tests passed with. \`make install\` (and so CI's \`make test\`) and"
    echo "# deploy/Dockerfile install svodka with \`pip install -c requirements/constraints.txt\`."
    echo "# Regenerate with \`make constraints\` (requirements/update-constraints.sh): pip's freeze"
    echo "# of a fresh virtualenv holding only svodka and its dev extra, on $("$venv/bin/python" -V)."
    "$venv/bin/python" -m pip freeze --exclude-editable
} >requirements/constraints.txt
