# Sourced by run-workstation and run-tests: creates .venv if needed and installs the project
# into it when pyproject.toml changed since the last install. Prints French messages: the
# people who type these commands are students and trainers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
EXTRAS="${1:-}"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Python 3.11 ou plus récent est nécessaire : sudo apt install python3 python3-venv" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 ou plus récent est nécessaire (trouvé : $("$PYTHON" --version))." >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "Création de l'environnement Python dans .venv…"
  if ! "$PYTHON" -m venv "$VENV"; then
    echo "Impossible de créer l'environnement : installez python3-venv (sudo apt install python3-venv)." >&2
    rm -rf "$VENV"
    exit 1
  fi
fi
STAMP="$VENV/.installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  echo "Installation des dépendances (une seule fois)…"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
  touch "$STAMP"
fi
