"""Step 6, the proof of concept: baseline ("Ist") against a model on the company's own data,
judged against the agreed criterion ("Soll").

Entry points ``prepare(workspace, catalog, request)`` -> ``Plan`` (the columns, shown for
confirmation) and ``run_poc(workspace, catalog, plan)`` -> the result (:mod:`.experiment`);
``predict(workspace, poc_id, new_data, out)`` applies a saved model (:mod:`.predict`). The kinds
are ``forecast`` (with ``series``, ``forecasters``, ``lgbm_forecaster``), ``tabular``,
``anomaly`` and ``text_routing``; ``evaluation`` and ``soll`` judge (``met``, ``not_met`` or
``undecided`` from a paired comparison with the Ist), ``leakage`` leaves out columns that give
the target away, ``budget`` keeps time.
"""

from datensorgfalt.services.poc.budget import parse_budget
from datensorgfalt.services.poc.experiment import Plan, PocError, PocRequest, prepare
from datensorgfalt.services.poc.experiment import run as run_poc
from datensorgfalt.services.poc.predict import predict
from datensorgfalt.services.poc.sentence import fmt as format_metric

__all__ = [
    "Plan",
    "PocError",
    "PocRequest",
    "format_metric",
    "parse_budget",
    "predict",
    "prepare",
    "run_poc",
]
