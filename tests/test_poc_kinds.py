"""Tables, condition monitoring and texts on small generated data."""

import numpy as np
import pandas as pd
import pytest

from datensorgfalt.services.poc.anomaly import run_anomaly
from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.tabular import TargetUnusable, run_table
from datensorgfalt.services.poc.text_routing import NoText, run_text
from tests.helpers.poc_data import customers, requests, sensor


def test_classification_beats_the_majority_class() -> None:
    outcome = run_table(customers(), "Kündigung", "classify", Deadline(20))
    assert outcome.model.metrics["auc"] > outcome.baseline.metrics["auc"] + 0.1
    assert "Kundennr" not in outcome.features  # an id number is no feature
    assert outcome.evaluation == "holdout-stratified"
    low, high = outcome.model.intervals["auc"]
    assert low <= outcome.model.metrics["auc"] <= high


def test_regression_beats_the_mean() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"Zement": rng.uniform(100, 500, 300), "Alter": rng.integers(1, 90, 300)})
    noise = rng.normal(0, 2, 300)
    frame["Festigkeit"] = 0.08 * frame["Zement"] + 8 * np.log(frame["Alter"]) + noise
    outcome = run_table(frame, "Festigkeit", "regress", Deadline(20))
    assert outcome.model.metrics["mae"] < 0.5 * outcome.baseline.metrics["mae"]


def test_a_target_with_one_class_only_is_refused() -> None:
    frame = customers().assign(Kündigung="nein")
    with pytest.raises(TargetUnusable) as caught:
        run_table(frame, "Kündigung", "classify", Deadline(5))
    assert "nur ein Wert" in str(caught.value)


def test_condition_monitoring_warns_ahead_of_failures() -> None:
    frame, events = sensor()
    outcome = run_anomaly(frame, "Zeitstempel", ["Vibration_mm_s", "Temperatur_C", "Strom_A"],
                          Deadline(20), events=events)
    model = outcome.model.metrics
    assert model["event_recall"] >= 2 / 3
    assert model["lead_time_hours"] >= 6
    assert model["false_alarms_per_30d"] <= 1


def test_request_classifier_beats_majority_label() -> None:
    data = requests()
    outcome = run_text(data["Anfrage"].tolist(), data["Schlüssel"].tolist(), Deadline(20))
    assert outcome.model.metrics["macro_f1"] > outcome.baseline.metrics["macro_f1"] + 0.3
    assert outcome.model.metrics["accuracy"] > outcome.baseline.metrics["accuracy"]


def test_an_empty_text_column_is_refused() -> None:
    with pytest.raises(NoText) as caught:
        run_text(["", None, "  "] * 5, ["a", "b", "c"] * 5, Deadline(5), column="Anfrage")
    assert "Anfrage" in str(caught.value) and "leer" in str(caught.value)
