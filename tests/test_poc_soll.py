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


# -- verdicts from a paired comparison ---------------------------------------------------------
def _paired(truth, model_pred, base_pred, groups=None):
    import numpy as np

    from datensorgfalt.services.poc.evaluation import classification_metrics
    from datensorgfalt.services.poc.outcome import Paired

    truth, model_pred, base_pred = map(np.asarray, (truth, model_pred, base_pred))
    classes = sorted(set(truth))

    def measure(pred):
        return lambda idx: classification_metrics(truth[idx], pred[idx], None, classes)
    paired = Paired(len(truth), measure(model_pred), measure(base_pred), "test", "rows", groups)
    everything = np.arange(len(truth))
    return paired, measure(model_pred)(everything), measure(base_pred)(everything)


def test_a_model_guessing_at_random_does_not_meet_better_than_the_baseline() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    met = 0
    for _ in range(20):
        truth = rng.choice(["a", "b"], 300, p=[0.6, 0.4])
        guess = rng.choice(["a", "b"], 300, p=[0.5, 0.5])
        rule = rng.choice(["a", "b"], 300, p=[0.7, 0.3])
        paired, model, base = _paired(truth, guess, rule)
        decided = parse_soll(None, "text").decide(paired, model, base)
        assert decided["verdict"] in ("met", "not_met", "undecided")
        assert decided["met"] == (decided["verdict"] == "met")
        met += decided["met"]
    assert met <= 2


def test_a_clearly_better_model_meets_it_with_an_interval_that_excludes_zero() -> None:
    import numpy as np

    rng = np.random.default_rng(4)
    truth = rng.choice(["a", "b", "c"], 300)
    good = np.where(rng.random(300) < 0.9, truth, "a")
    paired, model, base = _paired(truth, good, np.full(300, "a"))
    decided = parse_soll(None, "text").decide(paired, model, base)
    assert decided["verdict"] == "met" and decided["met"] is True
    comparison = decided["comparison"]
    assert comparison["measure"] == "balanced_accuracy" and comparison["confidence"] == 0.9
    low, high = comparison["interval"]
    assert 0 < low <= comparison["difference"] <= high
    assert comparison["p_value"] < 0.05 and comparison["method"] == "test"
    assert decided["more_data"] is None


def test_a_threshold_is_not_met_by_a_model_no_better_than_the_majority_rule() -> None:
    import numpy as np

    truth = np.array(["ok"] * 270 + ["defekt"] * 30)
    majority = np.full(300, "ok")
    paired, model, base = _paired(truth, majority, majority)
    assert model["accuracy"] == 0.9
    decided = parse_soll("Trefferquote>=80%", "text").decide(paired, model, base)
    assert decided["verdict"] == "not_met" and decided["met"] is False


def test_a_small_lead_on_few_rows_is_undecided_and_says_how_much_more_data() -> None:
    import numpy as np

    truth = np.array(["a", "b"] * 30)
    wrong = np.where(truth == "a", "b", "a")
    rows = np.arange(60)
    model_pred = np.where(rows < 15, wrong, truth)  # right 45 times
    base_pred = np.where((rows >= 10) & (rows < 28), wrong, truth)  # right 42 times
    paired, model, base = _paired(truth, model_pred, base_pred)
    decided = parse_soll(None, "text").decide(paired, model, base)
    assert decided["verdict"] == "undecided"
    assert "so vielen Daten" in decided["more_data"] and "Zeilen" in decided["more_data"]
    assert "as much data" in decided["more_data_en"]


def test_verdict_sentences_exist_in_german_and_english() -> None:
    for lang in ("de", "en"):
        for key in ("undecided", "interval", "versus", "more_data", "more_data_much",
                    "more_history", "more_history_much", "left_out", "leakage_note"):
            assert t(f"poc.verdict.{key}", lang=lang) != f"poc.verdict.{key}"
    assert t("poc.verdict.undecided", lang="de").startswith("Noch nicht entscheidbar")


def test_an_undecided_forecast_says_how_many_more_months_of_history_would_decide() -> None:
    """One series tested on 12 months from two origins: more data means a longer history."""
    import numpy as np
    import pandas as pd

    from datensorgfalt.services.poc.evaluation import forecast_metrics, paired_backtest

    rng = np.random.default_rng(5)
    months = pd.date_range("2025-01-01", periods=12, freq="MS")
    y = 100 + rng.normal(0, 10, 12)
    frames = []
    for window, shown in ((1, months[:6]), (2, months[3:9]), (3, months[6:])):
        part = pd.DataFrame({"unique_id": "Umsatz", "ds": shown, "window": window,
                             "y": y[months.isin(shown)], "scale": 10.0})
        frames.append(part)
    actual = pd.concat(frames, ignore_index=True)
    model = actual.assign(yhat=actual["y"] + rng.normal(0, 9, len(actual)))
    base = actual.assign(yhat=actual["y"] + rng.normal(0, 11, len(actual)))
    paired = paired_backtest(model, base, freq="M")
    decided = parse_soll(None, "forecast").decide(
        paired, forecast_metrics(model["y"], model["yhat"]), forecast_metrics(base["y"],
                                                                              base["yhat"]))
    assert decided["verdict"] == "undecided"
    assert "Monate mehr Verlauf" in decided["more_data"]
    assert "die letzten 12 Monate" in decided["more_data"]
    assert "more months of history" in decided["more_data_en"]
