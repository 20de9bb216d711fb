#!/usr/bin/env bash
# `make demo`: generate the demo company and run every step of the tool on it.
set -euo pipefail
DIR="${1:-demo-firma}"
DS=".venv/bin/datensorgfalt"

echo "== 1. Beispieldaten der Musterfirma erzeugen"
rm -rf "$DIR"
"$DS" demo "$DIR"
echo "== 2. Arbeitsbereich mit Datenkatalog anlegen"
"$DS" init "$DIR" --land NW
echo "== 3. Daten durchsuchen und in den Katalog aufnehmen"
# exit code 1 = some files could not be read: the demo company has broken files on purpose
rc=0
(cd "$DIR" && "$OLDPWD/$DS" scan .) || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
"$DS" catalog list -w "$DIR"
"$DS" catalog export -w "$DIR" --format dcat-ttl --out "$DIR/.datensorgfalt/export/katalog.ttl"
echo "== Deutschen ERP-Export (cp1252, Semikolon, Dezimalkomma) als saubere CSV-Datei speichern"
"$DS" convert "$DIR/vertrieb/erp_umsatz_2021-2025.csv" "$DIR/.datensorgfalt/export/erp_umsatz.csv"
echo "== Datenqualität aller Tabellen prüfen; die schwersten Befunde zuerst"
"$DS" quality -w "$DIR"
"$DS" quality show "erp_umsatz_2021-2025.csv" -w "$DIR" --cells "$DIR/.datensorgfalt/verdaechtige_zellen.csv"
"$DS" quality show "presse_03.csv" -w "$DIR"
echo "== Personenbezogene Daten finden (DSGVO), Rechte festhalten, geschützte Kopie erzeugen"
"$DS" privacy -w "$DIR"
"$DS" rights set "kundenliste.xlsx (Kunden)" --licence proprietary --source own --owner Vertrieb \
    --restriction "nur intern" --legal-basis "Art. 6 Abs. 1 lit. b DSGVO" --ai-training no -w "$DIR"
"$DS" protect "kundenliste.xlsx (Kunden)" --out "$DIR/.datensorgfalt/geschuetzt" --k 3 -w "$DIR"
# the catalog again, now with the protected copy: replaces the export of step 3
"$DS" catalog export -w "$DIR" --format dcat-ttl --out "$DIR/.datensorgfalt/export/katalog.ttl" \
    --overwrite
# --- Daten teilen über einen Datentreuhänder (issue 15); eigener Abschnitt, eigene Aufräumfalle
echo "== Daten teilen ohne Kontrollverlust: Datentreuhänder auf diesem Rechner (Dataspace Protocol)"
PY=".venv/bin/python"
SHARE="$(mktemp -d)"  # Treuhänder und zwei Partnerfirmen; wird am Ende gelöscht
TRUSTEE_PID=""
stop_trustee() {
    if [ -n "$TRUSTEE_PID" ]; then kill "$TRUSTEE_PID" 2>/dev/null || true; wait "$TRUSTEE_PID" 2>/dev/null || true; fi
    TRUSTEE_PID=""
    rm -rf "$SHARE"
}
trap stop_trustee EXIT
trap 'exit 130' INT TERM
field() { "$PY" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
mkdir "$SHARE/treuhand"
"$DS" trustee init "$SHARE/treuhand" >/dev/null
OWNER_TOKEN="$("$DS" trustee participant add "Musterfirma" --home "$SHARE/treuhand" --json | field token)"
PARTNER="$("$DS" trustee participant add "Partnerfirma KI GmbH" --home "$SHARE/treuhand" --json)"
PARTNER_ID="$(field participant_id <<<"$PARTNER")"
PARTNER_TOKEN="$(field token <<<"$PARTNER")"
OTHER_TOKEN="$("$DS" trustee participant add "Dritte Firma" --home "$SHARE/treuhand" --json | field token)"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
TRUSTEE="http://127.0.0.1:$PORT"
"$DS" trustee serve --home "$SHARE/treuhand" --port "$PORT" >"$SHARE/treuhand.log" 2>&1 &
TRUSTEE_PID=$!
"$PY" - "$TRUSTEE/.well-known/dspace-version" "$TRUSTEE_PID" <<'WAIT'
import os, sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).close()
        sys.exit(0)
    except OSError:
        try:
            os.kill(int(sys.argv[2]), 0)
        except OSError:
            sys.exit("Der Datentreuhänder ist nicht gestartet.")
        time.sleep(0.2)
sys.exit("Der Datentreuhänder antwortet nicht.")
WAIT
UNTIL="$("$PY" -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=365))')"
echo "-- Die Musterfirma bietet ihre Maschinendaten (Presse 1) der Partnerfirma für KI-Training bis $UNTIL an"
OFFER="$("$DS" dataspace offer "presse_01.csv" -w "$DIR" --trustee "$TRUSTEE" --token "$OWNER_TOKEN" \
    --purpose KI-Training --until "$UNTIL" --for "$PARTNER_ID" --json | field offer_id)"
echo "-- Die Partnerfirma erhält die Daten (Vertrag, Übertragung, Prüfsumme)"
mkdir "$SHARE/partner" "$SHARE/dritte"
"$DS" init "$SHARE/partner" >/dev/null
"$DS" init "$SHARE/dritte" >/dev/null
"$DS" dataspace get "$OFFER" -w "$SHARE/partner" --trustee "$TRUSTEE" --token "$PARTNER_TOKEN" \
    --purpose KI-Training --out "$SHARE/partner/presse_01.csv"
"$DS" dataspace status -w "$SHARE/partner"
echo "-- Eine dritte Firma fragt dieselben Daten an; das Angebot gilt nur für die Partnerfirma, also lehnt der Treuhänder ab:"
rc=0
"$DS" dataspace get "$OFFER" -w "$SHARE/dritte" --trustee "$TRUSTEE" --token "$OTHER_TOKEN" \
    --purpose KI-Training --out "$SHARE/dritte/presse_01.csv" || rc=$?
[ "$rc" -eq 1 ] && [ ! -e "$SHARE/dritte/presse_01.csv" ] || { echo "Die Ablehnung hat nicht geklappt."; exit 1; }
"$DS" trustee audit verify --home "$SHARE/treuhand"
stop_trustee
trap - EXIT INT TERM
# --- Ende Datentreuhänder
# (nach scan, quality und privacy: readiness und usecases lesen deren Ergebnisse)
echo "== KI-Reifegrad aus den Antworten der Musterfirma"
"$DS" readiness -w "$DIR" --answers src/datensorgfalt/knowledge/answers-example.yaml
echo "== Passende KI-Anwendungsfälle"
"$DS" usecases -w "$DIR"
echo "== Machbarkeitsnachweis: Absatzprognose (Ist: Vorjahreswert, Soll aus dem Anwendungsfall)"
"$DS" poc --usecase sales-forecast -w "$DIR" --yes \
  --forecast-out "$DIR/.datensorgfalt/export/absatzprognose.csv"
echo "== Machbarkeitsnachweis: Kundenanfragen zuordnen (Ist: Schlagwort-Regel, Soll aus dem Anwendungsfall)"
"$DS" poc --usecase request-routing -w "$DIR" --yes
echo "== Offene Daten: helfen Feiertage/Brückentage (NRW) und Tageswetter (DWD-Format) der Absatzprognose?"
# die Wetterwerte der Musterfirma sind ausgedacht (Station 99999), nur das Dateiformat ist das des DWD
"$DS" opendata weather "$DIR"/.demo/offene-daten/produkt_klima_tag_*_99999.txt -w "$DIR"
"$DS" poc --usecase sales-forecast -w "$DIR" --yes --with feiertage,wetter=dwd-99999
echo "== Gemeinsam lernen: Verschleißmodell mit drei Kunden, ohne dass Daten das Haus verlassen"
# the customers' machine data lie in $DIR/.partner/ (one folder per customer's machine)
(cd "$DIR" && "$OLDPWD/$DS" federated run \
  --party "Kunde A=.partner/kunde_a/maschinendaten.csv" \
  --party "Kunde B=.partner/kunde_b/maschinendaten.csv" \
  --party "Kunde C=.partner/kunde_c/maschinendaten.csv" --target verschleiss)
echo "== Bericht für die Geschäftsführung"
"$DS" report -w "$DIR"
echo
echo "Fertig. Die Daten liegen in $DIR/, der Datenkatalog in $DIR/.datensorgfalt/."
echo
echo "Alles im Browser ansehen (nur auf diesem Rechner):"
echo "    $DS ui $DIR"
echo "Dann öffnet sich http://127.0.0.1:8765/ ; beenden mit Strg+C."
