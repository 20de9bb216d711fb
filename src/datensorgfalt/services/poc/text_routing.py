"""Text PoC: route texts (customer requests, feedback) to labels. "Ist": the majority label
(or keyword rules when the knowledge base has some for these labels); model: TF-IDF on words
and character n-grams with a linear classifier, regularisation chosen by cross-validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.outcome import Outcome
from datensorgfalt.services.poc.tabular import TargetUnusable, scored

SEED = 13


class NoText(DatensorgfaltError):
    """The text column is empty."""


@dataclass
class TextModel:
    pipeline: Any
    classes: list

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        proba = self.pipeline.predict_proba(_clean(texts))
        out = np.zeros((len(texts), len(self.classes)))
        for j, cls in enumerate(self.pipeline.classes_):
            out[:, self.classes.index(cls)] = proba[:, j]
        return out

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.classes, dtype=object)[self.predict_proba(texts).argmax(1)]


def _clean(texts: Any) -> list[str]:
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


def make_pipeline(c: float, classes: int = 2) -> Any:
    """Word uni- and bigrams (TF-IDF, sublinear) + logistic regression (liblinear for two
    labels: fast on sparse text; lbfgs, multinomial, for more)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as chain

    words = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2),
                            sublinear_tf=True, max_features=50_000)
    solver = "liblinear" if classes <= 2 else "lbfgs"
    return chain(words, LogisticRegression(C=c, solver=solver, class_weight="balanced",
                                           max_iter=2000))


def check_texts(texts: list[str], labels: list[str], column: str, target: str) -> None:
    if not any(t.strip() for t in texts):
        raise NoText("poc.error.empty_text", column=column)
    counts = pd.Series(labels).value_counts()
    if len(counts) < 2:
        raise TargetUnusable("poc.error.one_class", column=target,
                             value=counts.index[0] if len(counts) else "-")
    if counts.min() < 2:
        raise TargetUnusable("poc.error.class_too_small", column=target, value=counts.idxmin(),
                             n=int(counts.min()))


def fit_text(texts: list[str], labels: np.ndarray, deadline: Deadline
             ) -> tuple[TextModel | None, list[dict]]:
    """Try a few regularisation strengths by stratified cross-validation within the budget
    (the first one always, it also gives the honest out-of-fold judgement); refit the best on
    everything. Each trial keeps its out-of-fold probabilities (``trial["proba"]``)."""
    classes = sorted(set(labels), key=str)
    smallest = int(pd.Series(labels).value_counts().min())
    wanted = 3 if len(labels) >= 1000 else 5
    folds = list(StratifiedKFold(n_splits=max(2, min(wanted, smallest)), shuffle=True,
                                 random_state=SEED).split(np.zeros(len(labels)), labels))
    trials = []
    for c in (2.0, 0.5, 8.0):
        took = max((t["seconds"] for t in trials), default=0.0)
        result = run_step(deadline, f"tfidf-C{c}", lambda c=c: _cv(texts, labels, c, folds,
                                                                   classes),
                          estimate=took * 1.5 if trials else 0.0, grace=5 if not trials else 2)
        if result is None:
            break
        score, proba = result
        trials.append({"name": "tfidf-logreg", "params": {"C": c}, "score": score,
                       "proba": proba, "seconds": deadline.durations[f"tfidf-C{c}"]})
    if not trials:
        return None, trials
    best = max(trials, key=lambda t: t["score"])
    pipeline = make_pipeline(best["params"]["C"], len(classes)).fit(texts, labels)
    return TextModel(pipeline, classes), trials


def _cv(texts: list[str], labels: np.ndarray, c: float, folds: list, classes: list
        ) -> tuple[float, np.ndarray]:
    """Macro-F1 and probabilities out of fold: every text judged by a model that never saw it."""
    proba = np.zeros((len(labels), len(classes)))
    data = np.asarray(texts, dtype=object)
    for train_idx, test_idx in folds:
        model = TextModel(make_pipeline(c, len(classes)).fit(list(data[train_idx]),
                                                             labels[train_idx]), classes)
        proba[test_idx] = model.predict_proba(list(data[test_idx]))
    pred = np.asarray(classes, dtype=object)[proba.argmax(1)]
    return ev.classification_metrics(labels, pred, None, classes)["macro_f1"], proba


def run_text(texts: list[str], labels: list[str], deadline: Deadline, column: str = "text",
             target: str = "label", source: dict | None = None) -> Outcome:
    texts = _clean(texts)
    labels_arr = np.asarray([str(v) for v in labels], dtype=object)
    check_texts(texts, list(labels_arr), column, target)
    classes = sorted(set(labels_arr), key=str)
    majority = pd.Series(labels_arr).value_counts().idxmax()
    # out-of-fold majority: the share of each label among the other folds is nearly the same
    share = pd.Series(labels_arr).value_counts(normalize=True)
    base_proba = np.tile([share.get(c, 0.0) for c in classes], (len(labels_arr), 1))
    baseline = scored(f"Häufigstes Etikett ({majority})", labels_arr,
                      np.full(len(labels_arr), majority, dtype=object), base_proba, "classify",
                      classes)
    model, trials = fit_text(texts, labels_arr, deadline)
    model_scored, plots = None, {}
    if model is not None:
        best = max(trials, key=lambda t: t["score"])
        proba = best["proba"]
        pred = np.asarray(classes, dtype=object)[proba.argmax(1)]
        model_scored = scored("TF-IDF + logistische Regression", labels_arr, pred, proba,
                              "classify", classes)
        model_scored.details = {"C": best["params"]["C"]}
        plots = {"y_test": labels_arr, "pred": pred, "classes": classes}
    return Outcome(
        kind="text", columns={"text": column, "target": target} | (source or {}),
        baseline=baseline, model=model_scored, evaluation="cross-validation-stratified",
        candidates=[{"name": f"C={t['params']['C']}", "cv_score": round(t["score"], 4)}
                    for t in trials],
        features=["TF-IDF: Wörter und Wortpaare"],
        artefact={"kind": "text", "model": model, "classes": classes, "column": column},
        plots=plots, skipped=list(deadline.skipped), rows=len(texts),
        refit=model is not None,  # the chosen setting is trained again on every text
    )
