"""``../shared`` beside the checkout: the DCAT-AP.de shapes live there.

Tests may read it; the tool never needs it. A fresh clone without it skips the tests that
need it (through the ``dcat_shapes`` fixture in conftest.py) instead of failing.
"""

from __future__ import annotations

from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace

MISSING = "../shared fehlt: DCAT-AP.de-Formen nicht da"
SPEZIFIKATION = ("dcat-ap-de-imports.ttl", "dcat-ap-spec-german-messages.ttl",
                 "dcat-ap-spec-german-additions.ttl", "dcat-ap-de-deprecated.ttl",
                 "dcat-ap_2.1.1_shacl_shapes.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


def find_shared() -> Path | None:
    """The ``shared`` folder in a parent of this checkout, else None."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "ARCHITECTURE.md").exists():
            return folder / "shared"
    return None


SHARED = find_shared()
PROFILE = SHARED / "conformance" / "dcat-ap-de" if SHARED else None


def shapes_available() -> bool:
    return PROFILE is not None and all((PROFILE / name).is_file() for name in SPEZIFIKATION)


def load_shapes() -> Graph:
    """The local "Spezifikation" profile (owl:imports are never fetched)."""
    graph = Graph()
    for name in SPEZIFIKATION:
        graph.parse(PROFILE / name, format="turtle")
    return graph


def violations(text: str, shapes: Graph) -> list[str]:
    data = Graph().parse(data=text, format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", do_owl_imports=False,
                            allow_warnings=True)
    return [str(report.value(result, SH.resultMessage)) + " @ "
            + str(report.value(result, SH.focusNode))
            for result in report.subjects(SH.resultSeverity, SH.Violation)]
