"""The start of a federated regression: the ridge regression on all rows, computed exactly
from sums each party sends once (``network.start_statistics``), without any row leaving."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import Ridge

from datensorgfalt.services.federated.layout import merge, summarize
from datensorgfalt.services.federated.network import (
    RIDGE,
    forward,
    initial,
    start_from,
    start_statistics,
)
from tests.federated.conftest import company


def _started(companies: tuple, mode: str) -> tuple[list, list, np.ndarray, np.ndarray]:
    """(drawn parameters, start from the companies' summed sums, all rows' inputs, target)."""
    frames = [company(seed, rows, 0.3) for seed, rows in companies]
    layout = merge([summarize(f, "last", "regress") for f in frames], "last", "regress")
    params = initial(layout)
    parts = [(layout.encode(f), layout.encode_target(f["last"])) for f in frames]
    start = start_from(params, [start_statistics(params, x, y, mode) for x, y in parts], mode)
    return (params, start, np.vstack([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]))


def test_the_start_from_the_parties_sums_is_the_ridge_regression_of_all_rows() -> None:
    params, start, x, y = _started(((1, 40), (2, 90), (3, 150)), "hidden")
    design = np.column_stack([np.maximum(x @ params[0] + params[1], 0.0), x])
    reference = Ridge(alpha=RIDGE).fit(design, y)
    assert np.allclose(forward(start, x)[1][:, 0], reference.predict(design), atol=1e-8)
    assert np.array_equal(start[0], params[0])  # the hidden layer starts where it was drawn


def test_the_linear_start_keeps_the_drawn_output_layer() -> None:
    params, start, x, y = _started(((4, 60), (5, 80)), "linear")
    assert np.allclose(start[4][:, 0], Ridge(alpha=RIDGE).fit(x, y).coef_, atol=1e-8)
    assert np.array_equal(start[2], params[2])
