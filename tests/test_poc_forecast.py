import time

import numpy as np
import pandas as pd
import pytest

from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.experiment import judge
from datensorgfalt.services.poc.forecast import run_forecast
from datensorgfalt.services.poc.series import SeriesTooShort, build_series
from datensorgfalt.services.poc.soll import parse_soll
from tests.helpers.poc_data import order_lines


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return order_lines()


def test_order_lines_are_summed_to_months_and_beat_seasonal_naive(lines: pd.DataFrame) -> None:
    series = build_series(lines, "Belegdatum", "Nettobetrag")
    assert series.freq == "M" and len(series.long) == 36
    assert series.long["y"].sum() == pytest.approx(lines["Nettobetrag"].sum())
    assert any("Monatssummen" in n["de"] for n in series.notes)
    outcome = run_forecast(series, None, Deadline(60))
    assert outcome.model is not None
    assert outcome.model.metrics["wape"] < outcome.baseline.metrics["wape"]
    soll, met = judge(parse_soll(None, "forecast"), outcome)
    assert met is True
    future = outcome.extra["future"]
    assert list(future["ds"].dt.strftime("%Y-%m")) == [f"2026-0{m}" for m in range(1, 7)]
    assert (future["yhat_lo_80"] <= future["yhat"]).all()
    assert (future["yhat"] <= future["yhat_hi_80"]).all()


def test_too_short_series_says_how_many_months_are_missing() -> None:
    lines = order_lines("2024-01-01", "2025-06-30")
    series = build_series(lines, "Belegdatum", "Nettobetrag", freq="M")
    with pytest.raises(SeriesTooShort) as caught:
        run_forecast(series, 12, Deadline(10))
    message = str(caught.value)
    assert "es fehlen 24 Monate" in message and "vorhanden sind 18" in message


def test_constant_series_runs_and_is_judged_honestly() -> None:
    dates = pd.date_range("2021-01-01", periods=48, freq="MS")
    frame = pd.DataFrame({"Monat": dates, "Menge": 100.0})
    outcome = run_forecast(build_series(frame, "Monat", "Menge"), 6, Deadline(30))
    assert outcome.baseline.metrics["wape"] == 0
    soll, met = judge(parse_soll(None, "forecast"), outcome)
    assert met is False  # nothing can beat a perfect seasonal naive forecast


def test_gaps_and_duplicate_dates_are_filled_and_summed() -> None:
    dates = list(pd.date_range("2022-01-01", periods=40, freq="MS"))
    frame = pd.DataFrame({"Datum": dates + dates[:5], "Wert": [10.0] * 45})
    frame = frame[~frame["Datum"].isin(dates[10:13])]  # three months without entries
    series = build_series(frame, "Datum", "Wert", freq="M")
    assert len(series.long) == 40
    assert series.long.set_index("ds").loc[dates[0], "y"] == 20.0
    assert series.long.set_index("ds").loc[dates[11], "y"] == 0.0
    texts = " ".join(n["de"] for n in series.notes)
    assert "mehrfach" in texts and "mit 0 gefüllt" in texts


def test_a_budget_of_one_second_is_kept() -> None:
    import statsforecast.models  # noqa: F401 - import time is not PoC time

    rng = np.random.default_rng(0)
    dates = pd.date_range("2015-01-01", periods=120, freq="MS")
    frame = pd.DataFrame({"Monat": np.tile(dates, 40),
                          "Artikel": np.repeat([f"A{i}" for i in range(40)], 120),
                          "Menge": rng.gamma(5, 20, 4800)})
    series = build_series(frame, "Monat", "Menge", by="Artikel")
    start = time.monotonic()
    outcome = run_forecast(series, 6, Deadline(1))
    assert time.monotonic() - start < 1 + 4
    assert outcome.baseline.metrics["wape"] is not None
    assert outcome.skipped


def test_short_history_is_judged_from_several_origins_on_more_months() -> None:
    from datensorgfalt.services.poc.evaluation import backtest_groups
    from datensorgfalt.services.poc.forecast import backtest, origins
    from datensorgfalt.services.poc.forecasters import SeasonalNaiveModel
    from datensorgfalt.services.poc.series import SeriesData

    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    long = pd.DataFrame({"unique_id": "Umsatz", "ds": months,
                         "y": 100 + 10 * np.sin(np.arange(36) / 12 * 2 * np.pi)})
    cuts = origins(SeriesData(long, "M", 12), 6)
    assert len(cuts) == 3 and cuts == sorted(cuts, reverse=True)
    assert all(36 - cut >= 24 for cut in cuts)  # every origin leaves two seasonal cycles
    frame = backtest(SeasonalNaiveModel("MS", 12), long, 6, cuts, 12)
    assert frame.groupby("window").size().eq(6).all()
    for _, window in frame.groupby("window"):  # each origin sees only the data before it
        assert window["ds"].min() > months[35 - cuts[window["window"].iloc[0] - 1]]
    # a month forecast from two origins is one unit for the paired bootstrap
    assert len(set(backtest_groups(frame))) == frame["ds"].nunique() == 12
    assert frame.loc[frame["shown"], "ds"].is_unique


def test_the_ist_copies_last_season_only_where_the_history_shows_a_season() -> None:
    """Without a season, last year's value only repeats last year's noise: the Ist is then the
    mean of the last season (a model that merely averages noise does not beat it)."""
    from datensorgfalt.services.poc.forecasters import SeasonalNaiveModel

    months = pd.date_range("2023-01-01", periods=36, freq="MS")
    noise = np.random.default_rng(3).normal(0, 5, 36)
    seasonal = 100 + 30 * np.sin(np.arange(36) / 12 * 2 * np.pi)
    long = pd.concat([pd.DataFrame({"unique_id": uid, "ds": months, "y": y}) for uid, y in
                      (("Saison", seasonal + noise / 10), ("flach", 100 + noise))])
    ist = SeasonalNaiveModel("MS", 12).forecast(long, 6).set_index("unique_id")["yhat"]
    assert np.allclose(ist["Saison"], (seasonal + noise / 10)[24:30])
    assert np.allclose(ist["flach"], (100 + noise)[24:].mean())


def test_two_years_of_history_give_a_season_that_rests_on_both_years() -> None:
    """A month that was 10 % high in one year and 10 % low in the other is estimated from both
    (the classical moving average left one of the two years out)."""
    from datensorgfalt.services.poc.deseasonalize import seasonal_indices

    season = 1 + 0.3 * np.sin(np.arange(12) / 12 * 2 * np.pi)
    t = np.arange(24)
    noise = np.ones(24)
    noise[[2, 14]], noise[[7, 19]] = (1.1, 1 / 1.1), (1 / 1.1, 1.1)
    y = 100 * 1.01 ** t * season[t % 12] * noise
    index, multiplicative = seasonal_indices(y, 12)
    assert multiplicative
    assert np.allclose(index, season / season.mean(), rtol=0.01)


def test_one_long_series_is_judged_on_every_month_after_two_years() -> None:
    """Five years of monthly sales: every month after the first two is a test month (a panel,
    judged on its series, keeps three windows: the work grows with series x origins)."""
    from datensorgfalt.services.poc.forecast import origins, split
    from datensorgfalt.services.poc.series import SeriesData

    months = pd.date_range("2021-01-01", periods=60, freq="MS")
    one = pd.DataFrame({"unique_id": "Umsatz", "ds": months, "y": np.arange(60.0) + 100})
    cuts = origins(SeriesData(one, "M", 12), 6)
    tested = pd.concat([split(one, 6, cut)[1] for cut in cuts])["ds"]
    assert tested.min() == months[24] and tested.max() == months[-1]
    assert tested.nunique() == 36
    panel = pd.concat([one.assign(unique_id=f"A{i}") for i in range(40)])
    assert len(origins(SeriesData(panel, "M", 12), 6)) == 3


def test_two_years_of_noise_show_no_season_and_a_real_season_is_found() -> None:
    """With one value per month and year, the old seasonal strength was 1 on any two years: the
    Ist copied last year's noise and a model beat it on data that held nothing to learn."""
    from datensorgfalt.services.poc.deseasonalize import seasonal_indices

    rng = np.random.default_rng(5)
    season = np.array((0.8, 0.95, 1.1, 1.05, 1.0, 1.0, 0.9, 0.65, 1.1, 1.15, 1.1, 0.75))
    for n in (24, 30, 36):
        noise = [seasonal_indices(100 * np.exp(rng.normal(0, 0.1, n)), 12) for _ in range(100)]
        assert sum(found is not None for found in noise) <= 10
        t = np.arange(n)
        sales = 100 * (1 + 0.01 * t) * season[t % 12] * np.exp(rng.normal(0, 0.08, n))
        assert seasonal_indices(sales, 12) is not None
