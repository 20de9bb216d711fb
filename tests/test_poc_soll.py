import pytest

from datensorgfalt.i18n import t
from datensorgfalt.services.poc.budget import InvalidBudget, parse_budget
from datensorgfalt.services.poc.soll import InvalidSoll, parse_soll


@pytest.mark.parametrize(("text", "metric", "op", "value"), [
    ("WAPE<=15%", "wape", "<=", 15.0),
    ("wape <= 0,15", "wape", "<=", 15.0),
    ("Recall>=0.8", "recall", ">=", 0.8),
    ("Recall >= 80 %", "recall", ">=", 0.8),
    ("Trefferquote ≥ 90%", "accuracy", ">=", 0.9),
    ("MAE<5.01", "mae", "<", 5.01),
])
def test_thresholds_in_german_and_english(text: str, metric: str, op: str, value: float) -> None:
    soll = parse_soll(text, "forecast")
    assert (soll.kind, soll.metric, soll.op) == ("threshold", metric, op)
    assert soll.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["20% besser als Ist", "20 % better than baseline",
                                  "20 Prozent besser als der Ist-Stand"])
def test_relative_criterion_uses_the_kinds_main_measure(text: str) -> None:
    soll = parse_soll(text, "forecast")
    assert (soll.kind, soll.metric, soll.value) == ("relative", "wape", 20.0)
    assert soll.judge({"wape": 7.9}, {"wape": 10.0}) is True
    assert soll.judge({"wape": 8.1}, {"wape": 10.0}) is False


def test_default_is_better_than_the_baseline_in_the_right_direction() -> None:
    assert parse_soll(None, "classify").judge({"auc": 0.7}, {"auc": 0.5}) is True
    assert parse_soll(None, "regress").judge({"mae": 6.0}, {"mae": 5.0}) is False


@pytest.mark.parametrize("text", ["schnell und gut", "Banane>=3", "150% besser als Ist"])
def test_nonsense_gets_a_clear_message(text: str) -> None:
    with pytest.raises(InvalidSoll) as caught:
        parse_soll(text, "forecast")
    assert text in str(caught.value)
    assert str(caught.value) != caught.value.key


def test_budget_phrases() -> None:
    assert parse_budget("60s") == 60
    assert parse_budget("2m") == 120
    assert parse_budget("1,5 min") == 90
    with pytest.raises(InvalidBudget):
        parse_budget("bald")
    assert "bald" in t("poc.error.budget", text="bald")
