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
# (nach scan, quality und privacy: readiness und usecases lesen deren Ergebnisse)
echo "== KI-Reifegrad aus den Antworten der Musterfirma"
"$DS" readiness -w "$DIR" --answers src/datensorgfalt/knowledge/answers-example.yaml
echo "== Passende KI-Anwendungsfälle"
"$DS" usecases -w "$DIR"
echo "== Bericht für die Geschäftsführung"
"$DS" report -w "$DIR"
echo
echo "Fertig. Die Daten liegen in $DIR/, der Datenkatalog in $DIR/.datensorgfalt/."
