#!/usr/bin/env bash
# Installs the system programs the tool and its tests use (a bare machine has none of them).
#   system-deps.sh report  - what `make demo` needs: pango and fonts for the PDF report (WeasyPrint)
#   system-deps.sh         - everything `make test` needs: also PostgreSQL server binaries for the
#                            throwaway test cluster and poppler-utils (pdftoppm/pdftotext: the
#                            report tests look at the PDF pages) and chromium (tests/web drive
#                            the web app in it through Playwright)
set -euo pipefail
mode="${1:-all}"

need=()
if [ "$mode" = all ] && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then need+=(postgresql); fi
if ! ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so"; then need+=(libpango-1.0-0 libpangoft2-1.0-0); fi
if ! ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so"; then need+=(libharfbuzz-subset0); fi
if ! fc-list 2>/dev/null | grep -qi "DejaVu"; then need+=(fonts-dejavu-core); fi
if [ "$mode" = all ] && ! command -v pdftoppm >/dev/null; then need+=(poppler-utils); fi
if [ "$mode" = all ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Bitte installieren: ${need[*]} (z. B. sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "Installiere Systempakete: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a cluster on install; the tests start their own, so stop it again.
if command -v service >/dev/null; then service postgresql stop >/dev/null 2>&1 || true; fi
