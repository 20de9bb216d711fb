"""Condition monitoring PoC: a fixed limit per sensor ("Ist") against robust rolling statistics
and an IsolationForest; judged by how many failures were warned of ahead of time (lead time)
and how many warnings were false, or by labelled anomaly points when the data has labels.

Only the past is used at every time step: rolling windows end at the current reading, the
reference period for limits and the forest is the first part of the series.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.outcome import Measure, Outcome, Paired, Scored
from datensorgfalt.services.poc.series import both

REFERENCE_SHARE = 0.3
Z_LIMIT = 4.0
PERSIST = 3
SEED = 5


class NoSensorData(DatensorgfaltError):
    """No numeric measurements over time."""


@dataclass
class Setup:
    window: int            # rolling window in readings (about a week, at least 24)
    short: int             # short window for trends (about a day)
    lead: pd.Timedelta     # how long before a failure a warning counts as "ahead of time"
    merge: pd.Timedelta    # alarms closer than this form one warning


def setup_for(times: pd.Series, lead_hours: float | None = None) -> Setup:
    step = times.sort_values().diff().median()
    step = step if pd.notna(step) and step > pd.Timedelta(0) else pd.Timedelta(hours=1)
    per_day = max(1, int(round(pd.Timedelta(days=1) / step)))
    window = int(np.clip(7 * per_day, 24, 2000))
    lead = pd.Timedelta(hours=lead_hours) if lead_hours else max(pd.Timedelta(days=7), 24 * step)
    return Setup(window, max(3, min(per_day, window // 4)), lead, max(step * 6,
                                                                     pd.Timedelta(hours=6)))


def operating_state(frame: pd.DataFrame, channels: list[str],
                    reference: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Readings taken while the machine runs. Machines that stop at night or at weekends show
    two clearly separated levels on some channel (e.g. current 1 A idle, 40 A running); the
    split is the threshold that best separates the two groups (Otsu), found in the
    ``reference`` readings only (nothing of the period that is judged). No such channel: all."""
    best, best_gap = None, 0.0
    seen = frame if reference is None else frame[reference]
    for name in channels:
        x = seen[name].astype(float).dropna().to_numpy()
        if len(x) < 50:
            continue
        values = np.sort(x)
        cut, gap = _two_groups(values)
        low, high = values[values <= cut], values[values > cut]
        if min(len(low), len(high)) < 0.1 * len(values):
            continue
        spread = np.sqrt((low.var() * len(low) + high.var() * len(high)) / len(values))
        separation = (high.mean() - low.mean()) / (spread + 1e-9)
        if separation > 6 and separation > best_gap:
            best, best_gap = (name, cut), separation
    if best is None:
        return np.ones(len(frame), bool), {}
    name, cut = best
    running = (frame[name].astype(float) > cut).to_numpy()
    return running, {"channel": name, "threshold": round(float(cut), 4)}


def _two_groups(values: np.ndarray) -> tuple[float, float]:
    """Otsu threshold on sorted values: the cut with the largest between-group variance."""
    edges = np.quantile(values, np.linspace(0.05, 0.95, 91))
    best_cut, best_score = edges[0], -1.0
    for cut in np.unique(edges):
        low = values <= cut
        share = low.mean()
        if share in (0.0, 1.0):
            continue
        score = share * (1 - share) * (values[low].mean() - values[~low].mean()) ** 2
        if score > best_score:
            best_cut, best_score = cut, score
    return float(best_cut), best_score


def robust_features(frame: pd.DataFrame, channels: list[str], setup: Setup,
                    running: np.ndarray | None = None) -> pd.DataFrame:
    """Per channel: distance of the short-window mean from the past median, in robust units
    (median absolute deviation), and the short-window spread. Past-only windows, computed
    over the readings taken while the machine runs."""
    out = pd.DataFrame(index=frame.index)
    keep = np.ones(len(frame), bool) if running is None else running
    for name in channels:
        x = frame[name].astype(float).where(keep).interpolate(limit_direction="both",
                                                              limit_area="inside")
        past = x.shift(1).rolling(setup.window, min_periods=setup.window // 3)
        median = past.median()
        mad = (x.shift(1) - median).abs().rolling(setup.window,
                                                   min_periods=setup.window // 3).median()
        scale = 1.4826 * mad.where(mad > 1e-9)
        short_mean = x.rolling(setup.short, min_periods=1).mean()
        out[f"{name}_z"] = ((x - median) / scale).fillna(0.0).clip(-50, 50)
        out[f"{name}_trend"] = ((short_mean - median) / scale).fillna(0.0).clip(-50, 50)
        out[f"{name}_spread"] = (x.rolling(setup.short, min_periods=2).std() / scale
                                 ).fillna(0.0).clip(0, 50)
    out[~keep] = 0.0
    return out


def fixed_limits(frame: pd.DataFrame, channels: list[str], reference: np.ndarray) -> np.ndarray:
    """The "Ist": alarm when a reading leaves mean +- 3 standard deviations of the reference."""
    alarm = np.zeros(len(frame), bool)
    for name in channels:
        x = frame[name].astype(float).to_numpy()
        ref = x[reference]
        mean, std = np.nanmean(ref), np.nanstd(ref)
        if np.isfinite(std) and std > 0:
            alarm |= np.abs(np.nan_to_num(x, nan=mean) - mean) > 3 * std
    return alarm


def model_alarms(features: pd.DataFrame, reference: np.ndarray, deadline: Deadline
                 ) -> tuple[np.ndarray, np.ndarray, object | None]:
    """Robust rolling statistics (a reading that rose more than ``Z_LIMIT`` robust units above
    its recent normal, for ``PERSIST`` readings in a row) or the IsolationForest's verdict
    (confirmed the same way)."""
    trend_cols = [c for c in features.columns if c.endswith("_trend")]
    rise = features[trend_cols].max(axis=1).to_numpy()
    robust = persistent(rise > Z_LIMIT)
    forest = run_step(deadline, "isolation-forest", lambda: _forest(features, reference))
    if forest is None:
        return robust, rise, None
    model, threshold = forest
    score = -model.score_samples(features.to_numpy(float))
    return robust | persistent((score > threshold) & (rise > Z_LIMIT / 2)), score, \
        (model, threshold)


def persistent(flags: np.ndarray, length: int = 3) -> np.ndarray:
    """Only flags that hold for ``length`` readings in a row (one odd reading is no warning)."""
    run = pd.Series(flags.astype(int)).rolling(length, min_periods=length).sum()
    return (run >= length).to_numpy()


def _forest(features: pd.DataFrame, reference: np.ndarray) -> tuple[object, float]:
    from sklearn.ensemble import IsolationForest

    ref = features.to_numpy(float)[reference]
    model = IsolationForest(n_estimators=200, max_samples=min(512, len(ref)), random_state=SEED,
                            n_jobs=1).fit(ref)
    threshold = float(np.quantile(-model.score_samples(ref), 0.999))
    return model, threshold * 1.05


def warnings_from(times: pd.Series, alarm: np.ndarray, merge: pd.Timedelta) -> list[pd.Timestamp]:
    """Start times of warnings: alarms closer than ``merge`` belong to one warning."""
    starts, last = [], None
    for when in times[alarm]:
        if last is None or when - last > merge:
            starts.append(when)
        last = when
    return starts


def lead_time_metrics(times: pd.Series, alarm: np.ndarray, events: list[pd.Timestamp],
                      setup: Setup, after: pd.Timestamp) -> dict:
    """Failures warned of ahead (within ``lead`` before), lead times, false warnings."""
    failures, warnings = event_records(times, alarm, events, setup, after)
    days = max((times.max() - after) / pd.Timedelta(days=1), 1.0)
    return from_records(failures, warnings, days)


def event_records(times: pd.Series, alarm: np.ndarray, events: list[pd.Timestamp],
                  setup: Setup, after: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(failures with ``when``, ``caught``, ``lead``; warnings with ``when``, ``useful``)."""
    events = [e for e in events if e > after]
    warnings = [w for w in warnings_from(times, alarm, setup.merge) if w > after]
    rows = []
    for event in events:
        alarms_before = times[alarm & (times >= event - setup.lead).to_numpy()
                              & (times < event).to_numpy()]
        lead = (event - alarms_before.min()) / pd.Timedelta(hours=1) if len(alarms_before) \
            else float("nan")
        rows.append({"when": event, "caught": bool(len(alarms_before)), "lead": lead})
    useful = [any(e - setup.lead <= w <= e + setup.merge for e in events) for w in warnings]
    return (pd.DataFrame(rows, columns=["when", "caught", "lead"]),
            pd.DataFrame({"when": warnings, "useful": useful}, columns=["when", "useful"]))


def from_records(failures: pd.DataFrame, warnings: pd.DataFrame, days: float,
                 failure_weight: np.ndarray | None = None,
                 warning_weight: np.ndarray | None = None) -> dict:
    """Event metrics from failure and warning records; weights count how often a record's
    time span was drawn in a resample (1 each for the plain figures)."""
    fw = np.ones(len(failures)) if failure_weight is None else failure_weight
    ww = np.ones(len(warnings)) if warning_weight is None else warning_weight
    caught = failures["caught"].to_numpy(bool)
    useful = warnings["useful"].to_numpy(bool)
    recall = float(fw[caught].sum() / fw.sum()) if fw.sum() else float("nan")
    precision = float(ww[useful].sum() / ww.sum()) if ww.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    if not fw.sum():  # no failure in the drawn time: warnings cannot be judged either
        f1 = float("nan")
    leads = np.repeat(failures["lead"].to_numpy(float)[caught], fw[caught].astype(int))
    return {"event_recall": recall, "precision": precision, "f1": f1,
            "lead_time_hours": float(np.median(leads)) if len(leads) else float("nan"),
            "false_alarms_per_30d": 30 * float(ww[~useful].sum()) / max(days, 1.0),
            "events": float(fw.sum()), "warnings": float(ww.sum())}


def label_metrics(truth: np.ndarray, alarm: np.ndarray, tolerance: int) -> dict:
    """Point metrics and window metrics (a labelled anomaly counts as found when an alarm lies
    within ``tolerance`` readings of it)."""
    out = ev.binary_detection_metrics(truth, alarm)
    point = {f"point_{k}": v for k, v in out.items()}
    idx = np.flatnonzero(truth)
    near = np.convolve(alarm.astype(int), np.ones(2 * tolerance + 1, int), "same") > 0
    found = float(np.mean(near[idx])) if len(idx) else float("nan")
    truth_near = np.convolve(truth.astype(int), np.ones(2 * tolerance + 1, int), "same") > 0
    alarm_idx = np.flatnonzero(alarm)
    right = float(np.mean(truth_near[alarm_idx])) if len(alarm_idx) else 0.0
    f1 = 2 * found * right / (found + right) if found + right > 0 else 0.0
    return point | {"recall": found, "precision": right, "f1": f1}


def run_anomaly(frame: pd.DataFrame, time_col: str, channels: list[str], deadline: Deadline,
                events: list[pd.Timestamp] | None = None, label: str | None = None,
                lead_hours: float | None = None) -> Outcome:
    frame = frame.assign(**{time_col: pd.to_datetime(frame[time_col], errors="coerce")})
    frame = frame.dropna(subset=[time_col]).sort_values(time_col).reset_index(drop=True)
    channels = [c for c in channels if pd.to_numeric(frame[c], errors="coerce").notna().any()]
    if not channels or len(frame) < 50:
        raise NoSensorData("poc.error.no_sensor_data", n=len(frame))
    for name in channels:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    times = frame[time_col]
    setup = setup_for(times, lead_hours)
    reference = _reference(times, events, setup)
    after = times[reference].max()
    running, state = operating_state(frame, channels, reference)
    features = robust_features(frame, channels, setup, running)
    # the Ist gets what the model gets: limits from running readings, 3 readings in a row,
    # no alarm while the machine stands
    base_alarm = persistent(fixed_limits(frame, channels, reference & running)) & running
    alarm, score, model = model_alarms(features, reference & running, deadline)
    alarm &= running
    after_mask = (times > after).to_numpy()
    paired = None
    if events:
        measure = lambda a: lead_time_metrics(times, a, events, setup, after)  # noqa: E731
        evaluation = "lead-time"
        paired = _paired_events(times, alarm, base_alarm, events, setup, after)
    elif label:
        truth = pd.to_numeric(frame[label], errors="coerce").fillna(0).to_numpy() > 0
        tolerance = max(1, setup.short // 2)
        measure = lambda a: label_metrics(truth[after_mask], a[after_mask],  # noqa: E731
                                          tolerance)
        evaluation = "labels"
        paired = _paired_labels(times[after_mask], truth[after_mask], alarm[after_mask],
                                base_alarm[after_mask], tolerance)
    else:
        measure = lambda a: {"alarm_share": float(np.mean(a[after_mask]))}  # noqa: E731
        evaluation = "none"
    baseline = Scored("Fester Grenzwert (Mittelwert ± 3 Standardabweichungen, 3 Messwerte "
                      "in Folge, nur im Betrieb)", ev.clean(measure(base_alarm)))
    scored = Scored("Robuste gleitende Statistik + IsolationForest" if model else
                    "Robuste gleitende Statistik", ev.clean(measure(alarm)))
    notes = [both("poc.note.reference", until=str(after)[:16])]
    if state:
        notes.append(both("poc.note.running", channel=state["channel"],
                          threshold=state["threshold"]))
    return Outcome(
        kind="anomaly", columns={"time": time_col, "channels": channels, "label": label},
        baseline=baseline, model=scored, evaluation=evaluation,
        notes=notes, features=list(features.columns),
        artefact={"kind": "anomaly", "time": time_col, "channels": channels, "setup": setup,
                  "state": state,
                  "forest": model, "reference": frame.loc[reference, channels]},
        plots={"times": times, "values": frame[channels], "alarm": alarm,
               "base_alarm": base_alarm, "events": events or [], "score": score},
        extra={"events": len(events or []), "first_alarms": [str(w) for w in warnings_from(
            times[after_mask], alarm[after_mask], setup.merge)[:20]]},
        skipped=list(deadline.skipped), rows=len(frame), paired=paired,
    )


def time_blocks(times: pd.Series, start: pd.Timestamp, end: pd.Timestamp
                ) -> tuple[np.ndarray, int, float]:
    """(block of each time, number of blocks, days per block): the judged period from
    ``start`` to ``end`` cut into spans of about a week (at least 5, at most 40)."""
    days = max((end - start) / pd.Timedelta(days=1), 1.0)
    count = int(np.clip(round(days / 7), 5, 40))
    span = days / count
    offset = ((pd.to_datetime(times) - start) / pd.Timedelta(days=1)).to_numpy(float)
    return np.clip((offset // span).astype(int), 0, count - 1), count, span


def _paired_events(times: pd.Series, alarm: np.ndarray, base_alarm: np.ndarray,
                   events: list[pd.Timestamp], setup: Setup, after: pd.Timestamp) -> Paired:
    """Model and Ist on the same time spans: a resample draws spans (with their failures and
    warnings) and both are measured on the drawn spans."""
    end = times.max()
    _, count, span = time_blocks(times[times > after], after, end)

    def measure(alarms: np.ndarray) -> Measure:
        failures, warnings = event_records(times, alarms, events, setup, after)
        fb = time_blocks(failures["when"], after, end)[0] if len(failures) else \
            np.zeros(0, int)
        wb = time_blocks(warnings["when"], after, end)[0] if len(warnings) else \
            np.zeros(0, int)

        def metrics(idx: np.ndarray, keys: Collection[str] | None = None) -> dict:
            drawn = np.bincount(idx, minlength=count).astype(float)
            return from_records(failures, warnings, len(idx) * span, drawn[fb], drawn[wb])
        return metrics

    return Paired(count, measure(alarm), measure(base_alarm),
                  "paired block bootstrap over time spans of about a week", "blocks")


def _paired_labels(times: pd.Series, truth: np.ndarray, alarm: np.ndarray,
                   base_alarm: np.ndarray, tolerance: int) -> Paired:
    blocks = time_blocks(times, times.min() - pd.Timedelta(seconds=1), times.max())[0]
    return Paired(len(truth),
                  lambda idx, keys=None: label_metrics(truth[idx], alarm[idx], tolerance),
                  lambda idx, keys=None: label_metrics(truth[idx], base_alarm[idx], tolerance),
                  "paired block bootstrap over time spans of about a week", "blocks", blocks)


def _reference(times: pd.Series, events: list[pd.Timestamp] | None, setup: Setup) -> np.ndarray:
    """The first 30 % of the readings, ending before the first failure's warning period."""
    cut = times.iloc[int(len(times) * REFERENCE_SHARE)]
    if events:
        first = min(events) - setup.lead
        if first > times.iloc[setup.window]:
            cut = min(cut, first)
    return (times < cut).to_numpy()


def score_new(artefact: dict, frame: pd.DataFrame) -> pd.DataFrame:
    """Alarms for new readings (for ``predict``): robust statistics + the saved forest."""
    time_col, channels, setup = artefact["time"], artefact["channels"], artefact["setup"]
    history = artefact["reference"].assign(**{time_col: pd.NaT})
    data = frame.copy()
    data[time_col] = pd.to_datetime(data[time_col], errors="coerce")
    joined = pd.concat([history, data[[time_col] + channels]], ignore_index=True)
    state = artefact.get("state") or {}
    running = (joined[state["channel"]].astype(float) > state["threshold"]).to_numpy() \
        if state else None
    features = robust_features(joined, channels, setup, running).iloc[len(history):]
    trend_cols = [c for c in features.columns if c.endswith("_trend")]
    rise = features[trend_cols].max(axis=1).to_numpy()
    alarm, score = persistent(rise > Z_LIMIT), rise
    if artefact.get("forest"):
        model, threshold = artefact["forest"]
        score = -model.score_samples(features.to_numpy(float))
        alarm |= persistent((score > threshold) & (rise > Z_LIMIT / 2))
    if running is not None:
        alarm &= running[len(history):]
    return frame.assign(prediction=alarm.astype(int), score=np.round(score, 4))
