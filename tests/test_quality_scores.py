"""How findings become scores: documented in knowledge/quality_dimensions.yaml."""

from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.scores import score


def test_no_findings_is_full_marks() -> None:
    result = score([])
    assert result["score"] == 100
    assert set(result["scores"].values()) == {100}


def test_one_weak_dimension_pulls_the_dataset_score_down() -> None:
    outdated = QualityFinding("outdated-dataset", "warning", share=1.0)
    result = score([outdated])
    assert result["scores"]["currentness"] == 80
    # six perfect dimensions must not hide an outdated table behind "97 of 100"
    assert result["score"] <= 90
    assert result["studies"]["Aktualität"] == 80


def test_more_severe_and_more_widespread_findings_cost_more() -> None:
    rare = score([QualityFinding("outdated-dataset", "warning", share=0.001)])
    wide = score([QualityFinding("outdated-dataset", "warning", share=1.0)])
    severe = score([QualityFinding("outdated-dataset", "error", share=1.0)])
    assert rare["score"] > wide["score"] > severe["score"]
