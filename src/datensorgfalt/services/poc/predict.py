"""``predict``: apply a saved PoC model to new data and write the rows with ``prediction``
(and ``proba_<class>`` for classes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import pandas as pd

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.outputs import check_output, neutralise_frame, writing
from datensorgfalt.services.poc.anomaly import score_new
from datensorgfalt.services.poc.data import read_new_data, require_columns
from datensorgfalt.services.poc.forecast import forecast_future
from datensorgfalt.services.poc.image import predict_folder
from datensorgfalt.services.poc.series import build_series
from datensorgfalt.services.poc.tabular import _full_proba
from datensorgfalt.workspace import Workspace

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog


class PocNotFound(DatensorgfaltError):
    """No saved PoC model with this id."""


MODEL_FOLDERS = ("poc", "federated")  # PoC models and jointly trained (federated) ones


def load_bundle(workspace: Workspace, poc_id: str) -> dict[str, Any]:
    matches = sorted(p for name in MODEL_FOLDERS if (workspace.folder / name).exists()
                     for p in (workspace.folder / name).glob(f"{poc_id}*/modell.joblib"))
    if len(matches) != 1:
        raise PocNotFound("poc.error.poc_not_found", id=poc_id)
    return joblib.load(matches[0])


def predict(workspace: Workspace, poc_id: str, new_data: Path, out: Path, *,
            overwrite: bool = False, catalog: Catalog | None = None) -> dict[str, Any]:
    """The rows of ``new_data`` with predictions, written to ``out`` (never over ``new_data``,
    an original or, without ``overwrite``, an existing file)."""
    out = check_output(Path(out), reads=[Path(new_data)], overwrite=overwrite, catalog=catalog)
    bundle = load_bundle(workspace, poc_id)
    kind, artefact, columns = bundle["kind"], bundle["artefact"], bundle["columns"]
    if kind == "image":
        return _write(workspace, bundle, predict_folder(artefact, Path(new_data)), out)
    frame = read_new_data(Path(new_data))
    title = Path(new_data).name
    if kind in ("classify", "regress"):
        result = _predict_table(artefact, frame, title)
    elif kind == "text":
        result = _predict_text(artefact, frame, columns, title)
    elif kind == "anomaly":
        require_columns(frame, [artefact["time"], *artefact["channels"]], title)
        result = score_new(artefact, frame)
    else:
        result = _predict_forecast(artefact, frame, columns, title)
    return _write(workspace, bundle, result, out)


def _write(workspace: Workspace, bundle: dict[str, Any], result: pd.DataFrame, out: Path
           ) -> dict[str, Any]:
    safe, neutralised = neutralise_frame(result)
    with writing(out, workspace) as temporary:
        safe.to_csv(temporary, index=False)
    return {"id": bundle["id"], "kind": bundle["kind"], "rows": len(result), "out": str(out),
            "columns": list(result.columns), "neutralised": neutralised}


def _predict_table(artefact: dict, frame: pd.DataFrame, title: str) -> pd.DataFrame:
    model = artefact["model"]
    if model is None:
        raise PocNotFound("poc.error.no_model_saved")
    encoder = model.encoder
    require_columns(frame, [*encoder.numeric, *encoder.categorical, *encoder.dates], title)
    out = frame.copy()
    out["prediction"] = model.predict(frame)
    if artefact["kind"] == "classify":

        proba = _full_proba(model.estimator, model._x(frame), artefact["classes"])
        for j, cls in enumerate(artefact["classes"]):
            out[f"proba_{cls}"] = np.round(proba[:, j], 4)
    return out


def _predict_text(artefact: dict, frame: pd.DataFrame, columns: dict, title: str
                  ) -> pd.DataFrame:
    model = artefact["model"]
    if model is None:
        raise PocNotFound("poc.error.no_model_saved")
    column = columns.get("text") if columns.get("text") in frame.columns else None
    if column is None or "documents" in columns:
        texts = [c for c in frame.columns if frame[c].dtype == object]
        column = max(texts, key=lambda c: frame[c].astype(str).str.len().mean()) if texts \
            else None
    require_columns(frame, [column or "text"], title)
    out = frame.copy()
    proba = model.predict_proba(frame[column].tolist())
    out["prediction"] = np.asarray(model.classes, dtype=object)[proba.argmax(1)]
    for j, cls in enumerate(model.classes):
        out[f"proba_{cls}"] = np.round(proba[:, j], 4)
    return out


def _predict_forecast(artefact: dict, frame: pd.DataFrame, columns: dict, title: str
                      ) -> pd.DataFrame:
    """New history in the same layout -> forecast of the next periods with the same models."""
    require_columns(frame, [columns["date"], columns["target"]], title)
    series = build_series(frame, columns["date"], columns["target"], columns.get("by"),
                          artefact["freq"])
    future = forecast_future(series, artefact)
    return future.rename(columns={"yhat": "prediction"})
