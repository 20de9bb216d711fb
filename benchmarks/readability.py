"""Readability of the managing-director report: WSTF 1 (German, target <= 9, issue 11) and
Flesch reading ease (English, target >= 50), measured on the demo company's report with the
sales-forecast PoC in it.

German is measured twice: with ``textstat`` (bench extra; for German it counts syllables with
Pyphen's shipped dictionaries and downloads nothing; for English it would fetch NLTK's cmudict,
so English stays with the own formula) and with the report's own implementation
(``services/report/readability.py``, which the tests use).

Reference in the same run: the German seed text ``002`` (a plain-language policy paper for
SMEs) and a fixed sample of the English report text; the ratio says how the report compares.
Run: ``.venv/bin/python benchmarks/readability.py [WORKSPACE]`` (without WORKSPACE a demo
company is generated and scanned in a temporary folder, if demo and scan are installed).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from datensorgfalt.services.report import build_report
from datensorgfalt.services.report.readability import body_text, flesch, wstf1
from datensorgfalt.workspace import find_workspace, init_workspace

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = ROOT / "src/datensorgfalt/knowledge/answers-example.yaml"


def demo_workspace(folder: Path):
    from typer.testing import CliRunner

    from datensorgfalt.cli.app import build_app

    runner = CliRunner()
    target = folder / "demo-firma"
    for args in (["demo", str(target)], ["init", str(target)],
                 ["scan", "-w", str(target), str(target)],
                 ["quality", "-w", str(target)], ["privacy", "-w", str(target)],
                 ["readiness", "-w", str(target), "--answers", str(ANSWERS)],
                 ["usecases", "-w", str(target)],
                 ["poc", "--usecase", "sales-forecast", "--yes", "-w", str(target)]):
        result = runner.invoke(build_app(), args)
        print(f"  {' '.join(args[:1])}: exit {result.exit_code}")
    return init_workspace(target)


def reference_de() -> str:
    seeds = ROOT.parent / "shared" / "seeds"
    found = sorted(seeds.glob("002_*.txt")) or sorted(Path("/work/shared/seeds").glob("002_*"))
    return found[0].read_text("utf-8") if found else ""


def textstat_wstf1(text: str) -> float:
    import textstat

    textstat.set_lang("de")
    return float(textstat.wiener_sachtextformel(text, 1))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = find_workspace(Path(sys.argv[1])) if len(sys.argv) > 1 else demo_workspace(
            Path(tmp))
        catalog = workspace.open_catalog()
        figures = {}
        for lang in ("de", "en"):
            started = time.perf_counter()
            result = build_report(workspace, catalog, Path(tmp) / "out", lang=lang)
            seconds = time.perf_counter() - started
            text = body_text(Path(result["html"]).read_text("utf-8"))
            figures[lang] = (result["pages"], seconds, text)
        catalog.close()
    pages_de, sec_de, text_de = figures["de"]
    pages_en, sec_en, text_en = figures["en"]
    score_de, score_en = wstf1(text_de), flesch(text_en)
    reference = reference_de()
    ref_de = textstat_wstf1(reference) if reference else 0.0
    print(f"report pages: de {pages_de}, en {pages_en}; render time: de {sec_de:.1f} s, "
          f"en {sec_en:.1f} s")
    official = textstat_wstf1(text_de)
    print(f"German body text: {len(text_de.split())} words, WSTF 1 (textstat) = {official:.2f} "
          f"(target <= 9) -> {'OK' if official <= 9 else 'MISSED'}; own formula {score_de:.2f}")
    print(f"  reference: seed 002 (plain-language SME paper) WSTF 1 = {ref_de:.2f}; "
          f"ratio report/reference = {official / ref_de:.2f}" if ref_de else "")
    print(f"English body text: {len(text_en.split())} words, Flesch reading ease = "
          f"{score_en:.1f} (target >= 50) -> {'OK' if score_en >= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
