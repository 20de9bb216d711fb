#!/usr/bin/env bash
# `make demo`: generate the demo company and run every step of the tool on it.
set -euo pipefail
DIR="${1:-demo-firma}"
DS=".venv/bin/datensorgfalt"

echo "== 1. Beispieldaten der Musterfirma erzeugen"
rm -rf "$DIR"
"$DS" demo "$DIR"
echo "== 2. Arbeitsbereich mit Datenkatalog anlegen"
"$DS" init "$DIR"
echo
echo "Fertig. Die Daten liegen in $DIR/, der Datenkatalog in $DIR/.datensorgfalt/."
