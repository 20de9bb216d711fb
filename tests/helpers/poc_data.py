"""Small generated data for the PoC tests (deterministic)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def order_lines(start: str = "2023-01-02", end: str = "2025-12-30", seed: int = 1,
                per_day: float = 30.0, growth: float = 0.15) -> pd.DataFrame:
    """ERP-like order lines: yearly season, growth, no sales on Sundays."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    days = days[days.weekday < 6]
    rows = []
    for day in days:
        season = 1 + 0.35 * np.sin(2 * np.pi * (day.dayofyear - 30) / 365.25)
        trend = 1 + growth * (day - pd.Timestamp(start)).days / 365.25
        for _ in range(rng.poisson(per_day)):
            rows.append((day, round(rng.gamma(2.0, 400.0) * season * trend, 2)))
    return pd.DataFrame(rows, columns=["Belegdatum", "Nettobetrag"])


def sensor(days: int = 240, failures: tuple[int, ...] = (100, 170, 215), seed: int = 3
           ) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """Hourly readings with a vibration rise during the 3 days before each failure."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2025-01-01", periods=24 * days, freq="h")
    hours = np.arange(len(times))
    vibration = 2 + 0.15 * rng.normal(size=len(times)) + 0.1 * np.sin(hours * 2 * np.pi / 24)
    temperature = 40 + 1.5 * np.sin(hours * 2 * np.pi / 24) + 0.5 * rng.normal(size=len(times))
    events = []
    for day in failures:
        at = day * 24
        events.append(times[at])
        vibration[at - 72: at] += np.linspace(0, 2.5, 72)
    frame = pd.DataFrame({"Zeitstempel": times, "Vibration_mm_s": vibration,
                          "Temperatur_C": temperature, "Strom_A": 40 + rng.normal(size=len(times))})
    return frame, events


WORDS = {
    "biegen": ["Biegeteil", "Kantteil", "Winkel gebogen", "Abkantung", "Biegeradius"],
    "stanzen": ["Stanzteil", "Lochblech", "gestanzt", "Stanzung", "Ausschnitt"],
    "tiefziehen": ["Tiefziehteil", "Napf", "gezogen", "Ziehtiefe", "Becher"],
}


def requests(n: int = 90, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = rng.choice(list(WORDS), size=n, p=[0.45, 0.35, 0.2])
    texts = []
    for label in labels:
        words = rng.choice(WORDS[label], size=2, replace=False)
        texts.append(f"Sehr geehrte Damen und Herren, wir benötigen ein Angebot für "
                     f"{rng.integers(100, 5000)} Stück {words[0]} ({words[1]}), Material S235. "
                     f"Mit freundlichen Grüßen")
    return pd.DataFrame({"Anfrage": texts, "Schlüssel": labels})


def customers(n: int = 400, seed: int = 2) -> pd.DataFrame:
    """Customers of a phone tariff who may cancel (``Kündigung``): calls and minutes matter."""
    rng = np.random.default_rng(seed)
    calls = rng.poisson(2, n)
    minutes = rng.normal(200, 50, n)
    plan = rng.choice(["basis", "plus"], n)
    risk = 0.6 * (calls >= 4) + 0.3 * (minutes > 260) + 0.1 * (plan == "plus")
    churn = np.where(rng.random(n) < risk, "gekündigt", "aktiv")
    return pd.DataFrame({"Kundennr": np.arange(10000, 10000 + n), "Anrufe": calls,
                         "Minuten": minutes.round(1), "Tarif": plan, "Kündigung": churn})
