"""Page times of the web app (issue 14: every page under 300 ms on the demo company, long jobs
show progress within 1 s).

Builds the demo company with the CLI like ``make demo`` (scan, quality, privacy, readiness
from the example answers, use cases, a short PoC), starts ``datensorgfalt ui`` as a real
process and asks every page several times over loopback; prints the median and the slowest
time per page and the ratio to the 300 ms target; "first" is the first call after the
server started (it reads the catalog into the read model the later calls reuse until the
catalog changes). Then starts the report job and prints how
long until its progress shows. The reference in the same run is the static stylesheet (what
the server itself costs per request).

    .venv/bin/python benchmarks/web_pages.py [--repeat 5] [--keep DIR]

``--keep DIR`` keeps the company in DIR; a second run with the same DIR reuses it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TARGET_MS = 300
ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/start", "/katalog", "/datensatz/{sales}", "/datenschutz", "/reifegrad",
         "/anwendungsfaelle", "/versuche", "/versuche/{poc}", "/gemeinsam-lernen", "/bericht",
         "/katalog.json"]


def cli(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=cwd,
                          capture_output=True, text=True)
    if done.returncode > 1:
        raise SystemExit(f"{' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout


def build(folder: Path) -> dict[str, str]:
    company = folder / "firma"
    cli("demo", str(company))
    cli("init", str(company))
    cli("scan", ".", cwd=company)
    for step in (["quality"], ["privacy"], ["readiness", "--answers", str(
            ROOT / "src/datensorgfalt/knowledge/answers-example.yaml")], ["usecases"]):
        cli(*step, "-w", str(company))
    poc = json.loads(cli("poc", "--usecase", "sales-forecast", "-w", str(company), "--yes",
                         "--budget", "5s", "--json"))
    sales = next(d["id"] for d in json.loads(cli("catalog", "list", "-w", str(company),
                                                 "--json"))
                 if d["title"] == "erp_umsatz_2021-2025.csv")
    return {"root": str(company), "poc": poc["id"], "sales": sales}


def timed(url: str, data: bytes | None = None) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=60) as answer:
        answer.read()
        status = answer.status
    return (time.perf_counter() - start) * 1000, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="web-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / "ids.json"
    if kept.exists():  # --keep DIR of an earlier run: the same company again
        ids = json.loads(kept.read_text("utf-8"))
    else:
        print("building the demo company (make demo steps) ...", flush=True)
        ids = build(folder)
        kept.write_text(json.dumps(ids), "utf-8")
    port = 8700 + int(time.time()) % 200
    server = subprocess.Popen([sys.executable, "-m", "datensorgfalt", "ui", ids["root"],
                               "--port", str(port), "--no-browser"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                timed(base + "/static/app.css")
                break
            except OSError:
                time.sleep(0.2)
        reference = statistics.median(timed(base + "/static/app.css")[0] for _ in range(10))
        print(f"reference (static file): {reference:.1f} ms")
        print(f"{'page':<32} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'x target':>9}")
        for path in PAGES:
            url = base + path.format(**ids)
            first = timed(url)[0]  # computes the read model the later calls reuse
            times = [timed(url)[0] for _ in range(args.repeat)]
            median = statistics.median(times)
            print(f"{path:<32} {first:>9.0f} {median:>10.0f} {max(times):>8.0f} "
                  f"{median / TARGET_MS:>9.2f}")
        html = urllib.request.urlopen(base + "/bericht").read().decode()
        csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        start = time.perf_counter()
        timed(base + "/bericht/erstellen", f"csrf={csrf}".encode())
        state = json.loads(urllib.request.urlopen(base + "/arbeit.json").read())
        shown = (time.perf_counter() - start) * 1000
        print(f"report job: progress state '{state['state']}' shown after {shown:.0f} ms "
              f"(target 1000 ms)")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
