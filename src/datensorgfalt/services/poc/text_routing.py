"""Text PoC: route texts (customer requests, feedback) to labels.

"Ist": a keyword rule learned from the training folds (the most telling word of each label,
as a clerk would route by it; no keyword: the most common label). Model: TF-IDF on words and
word pairs with a linear classifier. Both are judged out of fold on the same folds; the
regularisation is chosen inside each training part only (nested), texts that are nearly the
same stay in one fold. Mail headers are removed and personal names masked before anything is
learned, so the saved vocabulary holds no sender names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.outcome import Outcome, Paired
from datensorgfalt.services.poc.tabular import (
    TargetUnusable,
    groups_per_class,
    measure,
    scored,
)

SEED = 13
C_VALUES = (0.5, 2.0, 8.0)
DEFAULT_C = 2.0
MASK = "xname"  # what a masked personal value becomes (one neutral word for every kind)
HEADER = re.compile(
    r"^\s*(from|to|cc|bcc|reply-to|sender|date|sent|message-id|return-path|received|"
    r"content-[\w-]+|mime-version|x-[\w-]+|von|an|kopie|gesendet|datum|antwort an|"
    r"subject|betreff)\s*:\s*(?P<value>.*)$", re.IGNORECASE)
KEEP_HEADER = {"subject", "betreff"}
WORD = re.compile(r"[^\W\d_]{3,}")
KEYWORDS_PER_LABEL = 3
SMOOTHING = 3.0


class NoText(DatensorgfaltError):
    """The text column is empty."""


# -- what the model may see ------------------------------------------------------------------
def _as_text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def header_names(texts: list[str]) -> set[str]:
    """Name parts of the people in mail headers (From, To, ...): these are masked everywhere,
    also where the name detector would not recognise them."""
    parts: set[str] = set()
    for text in texts:
        for line in text.splitlines()[:40]:
            match = HEADER.match(line)
            if not match or match[1].lower() in KEEP_HEADER:
                continue
            display = re.sub(r"<[^>]*>|\S+@\S+|\"", " ", match["value"])
            parts.update(plain(w) for w in WORD.findall(display))
    return parts


def plain(word: str) -> str:
    """Lower case without accents, as the vocabulary keeps words ("Trüb" and "Trub" alike)."""
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def without_personal_data(text: str, names: set[str] | frozenset[str] = frozenset()) -> str:
    """The text without mail header lines (the subject is kept) and with every personal value
    the privacy detectors find (names, e-mail addresses, phone numbers, IBANs, addresses)
    and every name part in ``names`` replaced by one neutral word."""
    from datensorgfalt.services.privacy import scan_text

    lines = []
    for line in text.splitlines():
        match = HEADER.match(line)
        if match is None:
            lines.append(line)
        elif match[1].lower() in KEEP_HEADER:
            lines.append(match["value"])
    body = "\n".join(lines)
    for entity in sorted(scan_text(body), key=lambda e: -e.start):
        body = body[:entity.start] + f" {MASK} " + body[entity.end:]
    if names:
        body = WORD.sub(lambda m: MASK if plain(m[0]) in names else m[0], body)
    return body


def near_duplicate_groups(texts: list[str]) -> np.ndarray:
    """One id per text; texts that are the same apart from case, digits, punctuation and
    masked personal values share it (a form letter sent twice must not be in both parts)."""
    keys = [" ".join(w for w in WORD.findall(t.lower()) if w != MASK) for t in texts]
    return pd.factorize(pd.Series(keys))[0]


# -- the Ist: keyword routing ----------------------------------------------------------------
@dataclass
class KeywordRule:
    """Route by the most telling words of each label (``KEYWORDS_PER_LABEL``, as in a clerk's
    keyword list; the first keyword found decides, the most precise keyword first). What each
    keyword, or no keyword, meant in the training texts is kept as label shares; the decision
    weighs them by the labels' rarity, the same class weights the model gets (otherwise a rare
    label could never win and the comparison would favour the model for its weighting alone,
    not for what it learned)."""

    keywords: list[tuple[str, float]] = field(default_factory=list)  # word, precision
    shares: dict[str, np.ndarray] = field(default_factory=dict)  # word or "" -> label shares
    classes: list[str] = field(default_factory=list)
    weights: np.ndarray = field(default_factory=lambda: np.ones(0))

    @classmethod
    def learn(cls, texts: list[str], labels: np.ndarray, classes: list[str] | None = None
              ) -> KeywordRule:
        classes = classes or sorted(set(labels), key=str)
        words = [set(WORD.findall(t.lower())) - {MASK} for t in texts]
        seen: Counter = Counter(w for ws in words for w in ws)
        by_label: dict[str, Counter] = {c: Counter() for c in classes}
        for ws, label in zip(words, labels, strict=True):
            by_label[label].update(ws)
        sizes = Counter(labels)
        keywords: dict[str, float] = {}
        support = max(3, len(labels) // 50)  # a keyword seen in a handful of texts is no rule
        for label, counts in by_label.items():
            # the words that alone, as a rule "contains it -> this label", find the label best
            ranked = sorted(counts, key=lambda w: (-2 * counts[w] / (seen[w] + sizes[label]), w))
            share = sizes[label] / len(labels)
            telling = [w for w in ranked if counts[w] >= support and seen[w] <= len(labels) / 2
                       and counts[w] / seen[w] > share]  # rarer than "sehr", above the base rate
            for word in telling[:KEYWORDS_PER_LABEL]:
                keywords[word] = max(keywords.get(word, 0.0), counts[word] / seen[word])
        rule = cls(sorted(keywords.items(), key=lambda k: (-k[1], k[0])), {}, classes)
        cells = [rule._cell(ws) for ws in words]
        prior_share = np.array([sizes[c] for c in classes], float) / len(labels)
        for cell in set(cells) | {""}:
            hits = Counter(label for c, label in zip(cells, labels, strict=True) if c == cell)
            # a few texts' worth of the overall shares: small cells stay near the base rate
            counts = np.array([hits[c] for c in classes], float) + SMOOTHING * prior_share
            rule.shares[cell] = counts / counts.sum()
        prior = np.array([sizes[c] for c in classes], float)
        rule.weights = len(labels) / (len(classes) * np.maximum(prior, 1.0))
        return rule

    def _cell(self, words: set[str]) -> str:
        return next((word for word, _ in self.keywords if word in words), "")

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.array([self.shares.get(self._cell(set(WORD.findall(t.lower()))),
                                         self.shares[""]) for t in texts])

    def predict(self, texts: list[str]) -> np.ndarray:
        weighted = self.predict_proba(texts) * self.weights
        return np.asarray(self.classes, dtype=object)[weighted.argmax(1)]


# -- the model -------------------------------------------------------------------------------
@dataclass
class TextModel:
    pipeline: Any
    classes: list

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        cleaned = [without_personal_data(_as_text(t)) for t in texts]
        return self._proba(cleaned)

    def _proba(self, cleaned: list[str]) -> np.ndarray:
        proba = self.pipeline.predict_proba(cleaned)
        out = np.zeros((len(cleaned), len(self.classes)))
        for j, cls in enumerate(self.pipeline.classes_):
            out[:, self.classes.index(cls)] = proba[:, j]
        return out

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.classes, dtype=object)[self.predict_proba(texts).argmax(1)]

    @property
    def vocabulary(self) -> list[str]:
        return sorted(self.pipeline[0].vocabulary_)


def make_pipeline(c: float, classes: int = 2) -> Any:
    """Word uni- and bigrams (TF-IDF, sublinear) + logistic regression (liblinear for two
    labels: fast on sparse text; newton-cg, multinomial, for more: several times faster
    than lbfgs on a few hundred texts)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as chain

    words = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2),
                            sublinear_tf=True, max_features=50_000)
    solver = "liblinear" if classes <= 2 else "newton-cg"
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


def folds_for(labels: np.ndarray, groups: np.ndarray, wanted: int | None = None) -> list:
    """Stratified folds; nearly identical texts (``groups``) stay in one fold. When a label
    has only one kind of text (form letters), its texts cannot be kept apart: plain folds."""
    wanted = wanted or (3 if len(labels) >= 1000 else 5)
    if groups_per_class(labels, groups) < 2:
        groups = np.arange(len(labels))
    splitter = StratifiedGroupKFold(n_splits=max(2, min(wanted, groups_per_class(
        labels, groups))), shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(labels)), labels, groups))


def choose_c(texts: list[str], labels: np.ndarray, groups: np.ndarray, classes: list) -> float:
    """The regularisation with the best macro-F1 in an inner cross-validation on these texts
    only (called on a training part: the part it is judged on never takes part)."""
    if int(pd.Series(labels).value_counts().min()) < 2:
        return DEFAULT_C
    inner = folds_for(labels, groups, wanted=3)
    data = np.asarray(texts, dtype=object)
    scores = {}
    for c in C_VALUES:
        pred = np.empty(len(labels), dtype=object)
        for train_idx, test_idx in inner:
            model = TextModel(make_pipeline(c, len(classes)).fit(list(data[train_idx]),
                                                                 labels[train_idx]), classes)
            pred[test_idx] = np.asarray(classes, dtype=object)[
                model._proba(list(data[test_idx])).argmax(1)]
        scores[c] = ev.classification_metrics(labels, pred, None, classes)["macro_f1"]
    return max(C_VALUES, key=lambda c: (scores[c], c == DEFAULT_C))


def out_of_fold(texts: list[str], labels: np.ndarray, groups: np.ndarray, folds: list,
                classes: list, nested: bool) -> tuple[np.ndarray, list[float]]:
    """Probabilities out of fold: every text judged by a model that never saw it (nor a text
    nearly the same); with ``nested`` the regularisation is chosen inside each training part."""
    proba = np.zeros((len(labels), len(classes)))
    data = np.asarray(texts, dtype=object)
    chosen = []
    for train_idx, test_idx in folds:
        train_texts = list(data[train_idx])
        c = choose_c(train_texts, labels[train_idx], groups[train_idx], classes) \
            if nested else DEFAULT_C
        chosen.append(c)
        model = TextModel(make_pipeline(c, len(classes)).fit(train_texts, labels[train_idx]),
                          classes)
        proba[test_idx] = model._proba(list(data[test_idx]))
    return proba, chosen


def keyword_out_of_fold(texts: list[str], labels: np.ndarray, folds: list, classes: list
                        ) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """The keyword rule's labels and label shares out of fold (learned on each training part)."""
    pred = np.empty(len(labels), dtype=object)
    proba = np.zeros((len(labels), len(classes)))
    words = []
    data = np.asarray(texts, dtype=object)
    for train_idx, test_idx in folds:
        rule = KeywordRule.learn(list(data[train_idx]), labels[train_idx], classes)
        pred[test_idx] = rule.predict(list(data[test_idx]))
        proba[test_idx] = rule.predict_proba(list(data[test_idx]))
        words.append([word for word, _ in rule.keywords])
    return pred, proba, words


def run_text(texts: list[str], labels: list[str], deadline: Deadline, column: str = "text",
             target: str = "label", source: dict | None = None) -> Outcome:
    raw = [_as_text(t) for t in texts]
    labels_arr = np.asarray([str(v) for v in labels], dtype=object)
    check_texts(raw, list(labels_arr), column, target)
    names = header_names(raw)
    cleaned = [without_personal_data(t, names) for t in raw]
    classes = sorted(set(labels_arr), key=str)
    groups = near_duplicate_groups(cleaned)
    folds = folds_for(labels_arr, groups)
    base_pred, base_proba, keywords = keyword_out_of_fold(cleaned, labels_arr, folds, classes)
    baseline = scored("Schlagwort-Regel (bis zu 3 Schlagwörter je Etikett)", labels_arr, base_pred,
                      base_proba, "classify", classes, groups)
    baseline.details = {"keywords": keywords[0]}
    fixed = run_step(deadline, "tfidf-logreg", lambda: out_of_fold(
        cleaned, labels_arr, groups, folds, classes, nested=False), grace=5)
    nested = run_step(deadline, "tfidf-logreg-nested", lambda: out_of_fold(
        cleaned, labels_arr, groups, folds, classes, nested=True),
        estimate=deadline.durations.get("tfidf-logreg", 0.0) * len(C_VALUES) * 2)
    # pre-declared: the nested choice when it finished in time, else the fixed setting
    result = nested or fixed
    model_scored, plots, paired, model = None, {}, None, None
    if result is not None:
        proba, chosen = result
        pred = np.asarray(classes, dtype=object)[proba.argmax(1)]
        model_scored = scored("TF-IDF + logistische Regression", labels_arr, pred, proba,
                              "classify", classes, groups)
        model_scored.details = {"C": chosen, "nested": nested is not None}
        plots = {"y_test": labels_arr, "pred": pred, "classes": classes}
        paired = Paired(len(labels_arr), measure(labels_arr, pred, proba, "classify", classes),
                        measure(labels_arr, base_pred, base_proba, "classify", classes),
                        "paired bootstrap over out-of-fold texts (near-identical texts "
                        "together)", "texts", groups, ev.cv_spread(len(folds)))
        model = run_step(deadline, "refit", lambda: _final(cleaned, labels_arr, groups, classes,
                                                           nested is not None), grace=5)
    contents = _contents(model, names)
    return Outcome(
        kind="text", columns={"text": column, "target": target} | (source or {}),
        baseline=baseline, model=model_scored,
        evaluation="cross-validation-stratified-grouped" + ("-nested" if nested else ""),
        candidates=[{"name": f"C={c}"} for c in sorted(set((result or ([], []))[1]))],
        features=["TF-IDF: Wörter und Wortpaare (ohne Kopfzeilen und Namen)"],
        artefact={"kind": "text", "model": model, "classes": classes, "column": column},
        plots=plots, skipped=list(deadline.skipped), rows=len(raw), paired=paired,
        extra={"contents": contents},
        refit=model is not None if result is not None else None,
    )


def _final(texts: list[str], labels: np.ndarray, groups: np.ndarray, classes: list,
           nested: bool) -> TextModel:
    """The model on all texts, chosen the way it was judged."""
    c = choose_c(texts, labels, groups, classes) if nested else DEFAULT_C
    return TextModel(make_pipeline(c, len(classes)).fit(texts, labels), classes)


def _contents(model: TextModel | None, names: set[str]) -> dict[str, Any]:
    """What the saved model holds (for the model card)."""
    return {"vocabulary_size": len(model.vocabulary) if model else 0,
            "headers_removed": True, "personal_data_masked": True,
            "masked_header_name_parts": len(names), "mask_word": MASK}


def fit_text(texts: list[str], labels: np.ndarray) -> tuple[TextModel, KeywordRule]:
    """The model the PoC saves and the keyword rule it is compared with, learned on these
    texts (headers removed, names masked, regularisation chosen by cross-validation)."""
    raw = [_as_text(t) for t in texts]
    cleaned = [without_personal_data(t, header_names(raw)) for t in raw]
    labels = np.asarray([str(v) for v in labels], dtype=object)
    classes = sorted(set(labels), key=str)
    groups = near_duplicate_groups(cleaned)
    return (_final(cleaned, labels, groups, classes, True),
            KeywordRule.learn(cleaned, labels, classes))
