"""Privacy benchmark: precision, recall and F1 per kind of personal data, for table columns and
for free text, with Microsoft Presidio (blank German spaCy pipeline + its German recognizers
enabled) measured in the same run as the reference.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/privacy.py [--tables 60] [--docs 200] [--json out.json]

Targets (issue 5): columns F1 >= 0.97 for every kind; free text F1 >= 0.90 on kinds with
validators, >= 0.80 on person names. Matching in text: an entity counts as found when a
prediction of the same type overlaps it; a prediction counts as correct when it overlaps a
gold entity of the same type.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy_corpus import (  # noqa: E402
    Doc,
    Table,
    handwritten_documents,
    make_documents,
    make_tables,
)

from datensorgfalt.services.privacy.column_kinds import classify_table  # noqa: E402
from datensorgfalt.services.privacy.free_text import find_entities  # noqa: E402

VALIDATED = {"EMAIL", "PHONE", "IBAN", "BIC", "TAX_ID", "TAX_NUMBER", "VAT_ID",
             "SOCIAL_SECURITY_NUMBER", "HEALTH_INSURANCE_NUMBER", "ID_CARD", "PASSPORT",
             "LICENSE_PLATE", "IP_ADDRESS"}
PRESIDIO_TYPES = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP_ADDRESS", "DE_TAX_ID": "TAX_ID", "DE_TAX_NUMBER": "TAX_NUMBER",
    "DE_VAT_ID": "VAT_ID", "DE_SOCIAL_SECURITY": "SOCIAL_SECURITY_NUMBER",
    "DE_HEALTH_INSURANCE": "HEALTH_INSURANCE_NUMBER", "DE_ID_CARD": "ID_CARD",
    "DE_PASSPORT": "PASSPORT", "DE_KFZ": "LICENSE_PLATE", "DE_PLZ": "POSTAL_CODE",
}


# -- Presidio reference -----------------------------------------------------------------------


def presidio_analyzer():
    """Presidio with spacy.blank("de") (no model download) and all its German recognizers."""
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as pr
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    _offline_tldextract()
    engine = SpacyNlpEngine(models=[{"lang_code": "de", "model_name": "blank_de"}])
    engine.nlp = {"de": spacy.blank("de")}
    registry = RecognizerRegistry(supported_languages=["de"])
    generic = [pr.EmailRecognizer(supported_language="de"),
               pr.PhoneRecognizer(supported_language="de", supported_regions=("DE",)),
               pr.IbanRecognizer(supported_language="de"), pr.IpRecognizer(supported_language="de"),
               pr.SpacyRecognizer(supported_language="de")]
    german = [getattr(pr, name)() for name in dir(pr)
              if name.startswith("De") and name.endswith("Recognizer")]
    for recognizer in generic + german:
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["de"])


def _presidio_installed() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) for m in ("presidio_analyzer", "spacy"))


def _offline_tldextract() -> None:
    """Presidio's e-mail check would fetch the public suffix list; use the bundled copy."""
    import types

    import tldextract
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_recognizer.tldextract = types.SimpleNamespace(extract=extractor)


def presidio_entities(analyzer, text: str) -> list[tuple[int, int, str]]:
    """Presidio's own default: every result, whatever its score."""
    results = analyzer.analyze(text=text, language="de")
    return [(r.start, r.end, PRESIDIO_TYPES[r.entity_type]) for r in results
            if r.entity_type in PRESIDIO_TYPES]


def presidio_column(analyzer, values: list[str | None]) -> set[str]:
    """Presidio has no column mode: the type found in most sampled values (share >= 0.5)."""
    sample = [v.strip() for v in values if v and v.strip()][:40]
    counts: Counter[str] = Counter()
    for value in sample:
        counts.update({t for _, _, t in presidio_entities(analyzer, value)})
    return {t for t, n in counts.items() if sample and n / len(sample) >= 0.5}


# -- scoring ----------------------------------------------------------------------------------


class Score:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def row(self, kind: str) -> tuple[float, float, float, int]:
        tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1, tp + fn

    def kinds(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fn) | set(self.fp))


def score_columns(tables: list[Table], predict) -> Score:
    score = Score()
    for table in tables:
        predicted = predict(table)
        for name, gold in table.gold.items():
            found = predicted.get(name, set())
            if gold:
                (score.tp if gold in found else score.fn)[gold] += 1
            for kind in found - ({gold} if gold else set()):
                score.fp[kind] += 1
    return score


def score_text(docs: list[Doc], predict) -> Score:
    score = Score()
    for doc in docs:
        predicted = predict(doc.text)
        for start, end, kind in doc.spans:
            hit = any(p[2] == kind and p[0] < end and start < p[1] for p in predicted)
            (score.tp if hit else score.fn)[kind] += 1
        for start, end, kind in predicted:
            if not any(g[2] == kind and g[0] < end and start < g[1] for g in doc.spans):
                score.fp[kind] += 1
    return score


def ours_columns(table: Table) -> dict[str, set[str]]:
    verdicts = classify_table(table.columns)
    found = {name: set(vd.kinds) - {"SPECIAL_CATEGORY", "FREE_TEXT"}
             for name, vd in verdicts.items()}
    for kinds in found.values():  # FIRST_NAME / LAST_NAME columns also carry PERSON
        if kinds & {"FIRST_NAME", "LAST_NAME"}:
            kinds.discard("PERSON")
    return found


def ours_text(text: str) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.type) for e in find_entities(text)]


# -- report -----------------------------------------------------------------------------------


def target_for(kind: str, part: str) -> float:
    if part == "columns":
        return 0.97
    return 0.80 if kind == "PERSON" else (0.90 if kind in VALIDATED else 0.0)


def print_table(title: str, part: str, ours: Score, ref: Score | None) -> list[dict]:
    print(f"\n{title}")
    print(f"{'kind':<25} {'n':>5}  {'P':>5} {'R':>5} {'F1':>5}  {'target':>6}  "
          f"{'Presidio F1':>11}  {'ratio':>6}")
    rows = []
    for kind in ours.kinds():
        p, r, f1, n = ours.row(kind)
        if n == 0 and not ours.fp[kind]:
            continue
        target = target_for(kind, part)
        ref_f1 = ref.row(kind)[2] if ref and (ref.tp[kind] + ref.fn[kind]) else None
        ratio = f"{f1 / ref_f1:6.2f}" if ref_f1 else "     -"
        met = "" if not target else ("ok" if f1 >= target else "MISS")
        print(f"{kind:<25} {n:>5}  {p:5.3f} {r:5.3f} {f1:5.3f}  {target or '-':>6} {met:<4}"
              f"{(f'{ref_f1:.3f}' if ref_f1 is not None else '-'):>8}  {ratio}")
        rows.append({"kind": kind, "n": n, "precision": round(p, 4), "recall": round(r, 4),
                     "f1": round(f1, 4), "target": target,
                     "presidio_f1": None if ref_f1 is None else round(ref_f1, 4)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    tables = make_tables(n_tables=args.tables)
    docs = make_documents(n=args.docs)
    n_cols = sum(len(t.gold) for t in tables)
    n_ents = sum(len(d.spans) for d in docs)
    print(f"corpus: {len(tables)} tables / {n_cols} columns, {len(docs)} texts / {n_ents} entities")

    timings = {}
    started = time.perf_counter()
    ours_c = score_columns(tables, ours_columns)
    timings["ours_columns_s"] = time.perf_counter() - started
    started = time.perf_counter()
    ours_t = score_text(docs, ours_text)
    timings["ours_text_s"] = time.perf_counter() - started
    handwritten = handwritten_documents()
    ours_h = score_text(handwritten, lambda text: [e for e in ours_text(text) if e[2] == "PERSON"])
    ref_c = ref_t = ref_h = None
    if not args.no_presidio and not _presidio_installed():
        print("Presidio is not installed, no reference: pip install -e '.[bench]'")
        args.no_presidio = True
    if not args.no_presidio:
        analyzer = presidio_analyzer()
        started = time.perf_counter()
        ref_c = score_columns(tables, lambda t: {n: presidio_column(analyzer, v)
                                                 for n, v in t.columns.items()})
        timings["presidio_columns_s"] = time.perf_counter() - started
        started = time.perf_counter()
        ref_t = score_text(docs, lambda text: presidio_entities(analyzer, text))
        timings["presidio_text_s"] = time.perf_counter() - started
        ref_h = score_text(handwritten, lambda text: [
            e for e in presidio_entities(analyzer, text) if e[2] == "PERSON"])
    result = {"columns": print_table("Columns (per column: kind found?)", "columns", ours_c, ref_c),
              "text": print_table("Free text (per entity, overlap match)", "text", ours_t, ref_t),
              "handwritten": print_table(
                  f"Hand-written texts, names only ({len(handwritten)} texts, not Faker)",
                  "text", ours_h, ref_h),
              "timings": {k: round(v, 2) for k, v in timings.items()}}
    print("\n" + "  ".join(f"{k}={v:.1f}" for k, v in timings.items()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), "utf-8")


if __name__ == "__main__":
    main()
