"""Image PoC: sort pictures into classes (``ok``/``defekt``) with classical features and a
linear model, against the majority class as the Ist, by stratified cross-validation.

Features (scikit-image, nothing downloaded): a histogram of oriented gradients (shape and
texture), colour histograms, and the extremes of what is left after a smooth background is
taken away (a scratch or a dent is a small, strong local deviation). Every picture is judged
by a model that never saw it (out of fold); the saved model is trained again on all pictures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.outcome import Outcome, Paired
from datensorgfalt.services.poc.tabular import measure, scored
from datensorgfalt.sources.images import EXTENSIONS

SIDE = 64
SEED = 17
MODEL_NAME = "Bildmerkmale (HOG, Farben, Abweichungen) + logistische Regression"


class ImagesUnusable(DatensorgfaltError):
    """The pictures cannot be used for an image PoC as they are."""


@dataclass
class ImageSet:
    paths: list[Path]
    labels: list[str]


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def by_folder(folder: Path) -> ImageSet:
    """Classes from the sub-folder each picture lies in (``ok/``, ``defekt/``)."""
    paths = [p for p in image_files(folder) if len(p.relative_to(folder).parts) > 1]
    return ImageSet(paths, [p.relative_to(folder).parts[0] for p in paths])


def by_table(folder: Path, table: pd.DataFrame, file_col: str, label_col: str) -> ImageSet:
    """Classes from a label table: one row per picture (file name or path) and its class."""
    wanted = {Path(str(k)).name: str(v) for k, v in zip(table[file_col], table[label_col],
                                                         strict=False) if pd.notna(v)}
    paths = [p for p in image_files(folder) if p.name in wanted]
    return ImageSet(paths, [wanted[p.name] for p in paths])


def check_images(images: ImageSet, title: str) -> None:
    counts = pd.Series(images.labels, dtype=object).value_counts()
    if len(counts) < 2:
        raise ImagesUnusable("poc.image.error.classes", title=title, n=len(counts))
    if counts.min() < 2:
        raise ImagesUnusable("poc.image.error.class_small", title=title, label=counts.idxmin(),
                             n=int(counts.min()))


def features(path: Path) -> np.ndarray:
    """One row of numbers for one picture (same length for every picture). Coarse HOG cells
    (16 px): with fine cells the ~1,800 shape numbers drown the few that show a defect."""
    from PIL import Image
    from skimage.feature import hog
    from skimage.filters import gaussian

    with Image.open(path) as raw:
        rgb = np.asarray(raw.convert("RGB").resize((SIDE, SIDE)), float) / 255.0
    gray = rgb @ np.array([0.299, 0.587, 0.114])
    shape = hog(gray, orientations=9, pixels_per_cell=(16, 16), cells_per_block=(2, 2),
                feature_vector=True)
    colour = np.concatenate([np.histogram(rgb[..., c], bins=8, range=(0, 1))[0] / gray.size
                             for c in range(3)])
    rest = gray - gaussian(gray, sigma=3)
    spread = float(np.std(rest)) or 1e-6
    deviation = [rest.min() / spread, rest.max() / spread,
                 *np.percentile(np.abs(rest), [99, 99.9]) / spread,
                 float(np.mean(np.abs(rest) > 4 * spread)), float(spread)]
    tone = [gray.mean(), gray.std(), *np.percentile(gray, [1, 50, 99])]
    return np.concatenate([shape, colour, deviation, tone]).astype(np.float32)


def feature_matrix(paths: list[Path]) -> np.ndarray:
    return np.vstack([features(p) for p in paths])


def make_model() -> object:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(
        C=0.1, max_iter=3000, class_weight="balanced"))


def class_order(labels: np.ndarray) -> list[str]:
    """Most frequent class first: with two classes the rare one (the defects) is the one whose
    recall and precision are reported."""
    counts = pd.Series(labels, dtype=object).value_counts()
    return sorted(counts.index, key=lambda c: (-counts[c], str(c)))


def out_of_fold(X: np.ndarray, y: np.ndarray, classes: list[str]
                ) -> tuple[np.ndarray, np.ndarray, object]:
    """Probabilities of the model and of the majority rule, each picture judged by a model
    that learnt from the other folds only (stratified); and the last fold's model (kept in
    case there is no time to train on all pictures)."""
    from sklearn.model_selection import StratifiedKFold

    smallest = int(pd.Series(y).value_counts().min())
    folds = StratifiedKFold(n_splits=max(2, min(5, smallest)), shuffle=True, random_state=SEED)
    proba = np.zeros((len(y), len(classes)))
    base = np.zeros((len(y), len(classes)))
    for train, test in folds.split(X, y):
        model = make_model().fit(X[train], y[train])
        seen = list(model.classes_)
        part = model.predict_proba(X[test])
        for j, cls in enumerate(classes):
            if cls in seen:
                proba[test, j] = part[:, seen.index(cls)]
        share = pd.Series(y[train]).value_counts(normalize=True)
        base[test] = [share.get(c, 0.0) for c in classes]
    return proba, base, model


def run_image(images: ImageSet, deadline: Deadline, folder: str) -> Outcome:
    y = np.asarray(images.labels, dtype=object)
    classes = class_order(y)
    X = run_step(deadline, "features", lambda: feature_matrix(images.paths), grace=5)
    model_scored, model, paired, plots, refit = None, None, None, {}, None
    majority = classes[0]
    base_proba = np.tile(pd.Series(y).value_counts(normalize=True).reindex(classes).to_numpy(),
                         (len(y), 1))
    base_pred = np.full(len(y), majority, dtype=object)
    if X is not None:
        done = run_step(deadline, "cross-validation", lambda: out_of_fold(X, y, classes))
        if done is not None:
            proba, base_proba, fold_model = done
            base_pred = np.asarray(classes, dtype=object)[base_proba.argmax(1)]
            pred = np.asarray(classes, dtype=object)[proba.argmax(1)]
            model_scored = scored(MODEL_NAME, y, pred, proba, "classify", classes)
            paired = Paired(len(y), measure(y, pred, proba, "classify", classes),
                            measure(y, base_pred, base_proba, "classify", classes),
                            "paired bootstrap over out-of-fold pictures", "Bilder")
            plots = {"y_test": y, "pred": pred, "classes": classes}
            model = run_step(deadline, "refit", lambda: make_model().fit(X, y), grace=2)
            refit = model is not None
            model = model or fold_model
    baseline = scored(f"Mehrheitsklasse ({majority})", y, base_pred, base_proba, "classify",
                      classes)
    return Outcome(
        kind="image", columns={"folder": folder, "classes": classes},
        baseline=baseline, model=model_scored, evaluation="cross-validation-stratified",
        features=["HOG (Kanten und Muster)", "Farbverteilung", "örtliche Abweichungen"],
        artefact={"kind": "image", "model": model, "classes": classes, "side": SIDE},
        plots=plots, skipped=list(deadline.skipped), rows=len(y), paired=paired,
        refit=refit, extra={"images": len(y), "per_class": pd.Series(y).value_counts().to_dict()},
    )


def predict_folder(artefact: dict, folder: Path) -> pd.DataFrame:
    """Every picture in ``folder`` (and below) with the predicted class and probabilities."""
    model = artefact["model"]
    paths = image_files(Path(folder))
    if not paths:
        raise ImagesUnusable("poc.image.error.no_images", title=str(folder))
    proba = model.predict_proba(feature_matrix(paths))
    seen = list(model.classes_)
    out = pd.DataFrame({"file": [str(p.relative_to(folder)) for p in paths],
                        "prediction": np.asarray(seen, dtype=object)[proba.argmax(1)]})
    for cls in artefact["classes"]:
        out[f"proba_{cls}"] = np.round(proba[:, seen.index(cls)], 4) if cls in seen else 0.0
    return out

