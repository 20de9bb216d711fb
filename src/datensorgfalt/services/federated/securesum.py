"""Secure sums of the parties' statistics with Flower's SecAgg+: the coordinator learns the sum
over all parties of a vector of numbers, never one party's vector.

Flower 1.42 runs SecAgg+ only as a legacy "fit" exchange (``SecAggPlusWorkflow`` on a
``LegacyContext``, ``secaggplus_mod`` at the party): four messages per party (keys, shares,
the masked vector, the unmasking shares). ``secure_sum`` runs one such exchange from either
ServerApp with a tiny legacy strategy that carries the question and catches the sum; at the
party ``answer`` passes the messages through ``secaggplus_mod`` to the party's statistics.

Precision: SecAgg+ sums integers (each value is clipped, rounded stochastically to a grid and
masked modulo 2**32). The statistics are floats of any size (sums of squares of amounts of
1e9 reach 1e24), so each party writes every value exactly as a fixed-point integer in units
of 2**-128 and splits it into ``LIMBS`` digits of ``BITS`` bits. A digit lies on the grid,
so the rounding leaves it unchanged, and the digit sums of all parties stay below the
modulus: the coordinator puts the digits together again and gets the exact sum of the
parties' numbers (to 2**-128), rounded once to a float. Every party gives the same weight
(one), so the weights reveal nothing either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from flwr.app import ArrayRecord, ConfigRecord, Context, Message, RecordDict
from flwr.client.mod import secaggplus_mod
from flwr.common import (
    Code,
    FitIns,
    FitRes,
    Parameters,
    Status,
    ndarrays_to_parameters,
    parameters_to_ndarrays,
)
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS
from flwr.compat.common import recorddict_compat as compat
from flwr.server import LegacyContext, ServerConfig
from flwr.server.compat.grid_client_proxy import GridClientProxy
from flwr.server.strategy import Strategy
from flwr.server.workflow import SecAggPlusWorkflow
from flwr.server.workflow.constant import MAIN_CONFIGS_RECORD, MAIN_PARAMS_RECORD
from flwr.server.workflow.constant import Key as WorkflowKey

BITS = 24  # one digit; the sum of all parties' digits stays below the 2**32 modulus
LIMBS = 11  # 264 bits: values up to 2**127 in units of 2**-128, with a sign offset
FRACTION = 128  # units of 2**-128
OFFSET = 1 << (BITS * LIMBS - 2)  # makes every value non-negative before it is split
LIMIT = 2.0 ** 127
GRID = 1 << BITS  # SecAgg+'s quantization range: one level per digit value
CLIP = float(GRID // 2)  # SecAgg+ clips to [-CLIP, CLIP]; a digit d is sent as d - CLIP
STAGE_KEY = "secure-sum"


def encode(values: np.ndarray) -> np.ndarray:
    """A party's numbers as digits (each d - CLIP, exact on SecAgg+'s grid)."""
    flat = np.asarray(values, float).ravel()
    if not np.all(np.isfinite(flat)) or np.any(np.abs(flat) >= LIMIT):
        raise ValueError("statistic out of range")
    digits = np.empty((len(flat), LIMBS))
    mask = GRID - 1
    for i, value in enumerate(flat.tolist()):
        number = int(value * 2.0 ** FRACTION) + OFFSET
        for k in range(LIMBS):
            digits[i, k] = number & mask
            number >>= BITS
    return (digits - CLIP).ravel()


def decode(digit_sums: np.ndarray, parties: int) -> np.ndarray:
    """The parties' summed numbers from the summed digits."""
    sums = np.rint(np.asarray(digit_sums, float)).astype(np.int64).reshape(-1, LIMBS)
    out = np.empty(len(sums))
    for i, row in enumerate(sums.tolist()):
        number = sum(d << (BITS * k) for k, d in enumerate(row)) - parties * OFFSET
        out[i] = number / (1 << FRACTION)
    return out


# -- coordinator side ---------------------------------------------------------------------------
class _SumStrategy(Strategy):
    """A legacy strategy for one SecAgg+ exchange: asks every node the same question and keeps
    the unmasked sum."""

    def __init__(self, grid: Any, nodes: list[int], config: dict[str, Any]) -> None:
        self.grid, self.nodes, self.config = grid, nodes, config
        self.mean: np.ndarray | None = None

    def initialize_parameters(self, client_manager: Any) -> Parameters | None:
        return None

    def configure_fit(self, server_round: int, parameters: Parameters, client_manager: Any
                      ) -> list[tuple[Any, FitIns]]:
        run_id = self.grid.run.run_id
        return [(GridClientProxy(node, self.grid, run_id), FitIns(parameters, self.config))
                for node in self.nodes]

    def aggregate_fit(self, server_round: int, results: list, failures: list
                      ) -> tuple[Parameters | None, dict[str, Any]]:
        if len(results) == len(self.nodes) and not failures:
            self.mean = parameters_to_ndarrays(results[0][1].parameters)[0]
        return None, {}

    def configure_evaluate(self, server_round: int, parameters: Parameters,
                           client_manager: Any) -> list:
        return []

    def aggregate_evaluate(self, server_round: int, results: list, failures: list
                           ) -> tuple[float | None, dict[str, Any]]:
        return None, {}

    def evaluate(self, server_round: int, parameters: Parameters) -> None:
        return None


def workflow(parties: int, timeout: float, **quantization: Any) -> SecAggPlusWorkflow:
    """SecAgg+ for ``parties`` parties: every party holds a share of every other's keys, any
    all but one of them can unmask (two parties: both)."""
    shares: int | float = parties if parties > 2 else 1.0
    threshold: int | float = max(2, parties - 1) if parties > 2 else 1.0
    return SecAggPlusWorkflow(num_shares=shares, reconstruction_threshold=threshold,
                              timeout=timeout, **quantization)


def secure_sum(grid: Any, context: Context, nodes: list[int], stage: str,
               config: dict[str, Any], arrays: list[np.ndarray], timeout: float
               ) -> np.ndarray:
    """The sum over all ``nodes`` of the vector each party computes for ``stage`` (asked
    with ``config`` and ``arrays``); raises RuntimeError if a party does not take part."""
    strategy = _SumStrategy(grid, nodes, {**config, STAGE_KEY: stage})
    legacy = LegacyContext(context, config=ServerConfig(num_rounds=1), strategy=strategy)
    legacy.state = RecordDict({
        MAIN_CONFIGS_RECORD: ConfigRecord({WorkflowKey.CURRENT_ROUND: stage}),
        MAIN_PARAMS_RECORD: ArrayRecord([np.asarray(a) for a in arrays])})
    workflow(len(nodes), timeout, max_weight=1.0, clipping_range=CLIP,
             quantization_range=GRID)(grid, legacy)
    if strategy.mean is None:
        raise RuntimeError(f"{stage}_failed")
    return decode(strategy.mean * len(nodes) + len(nodes) * CLIP, len(nodes))


# -- party side -----------------------------------------------------------------------------------
Statistics = Callable[[str, dict[str, Any], list[np.ndarray]], np.ndarray]


def is_secure_sum(msg: Message) -> bool:
    return RECORD_KEY_CONFIGS in msg.content.config_records


def fit_answer(parameters: list[np.ndarray], config: dict[str, Any],
               statistics: Statistics) -> tuple[list[np.ndarray], int]:
    """The party's vector for a secure sum, as digits, with the weight one."""
    return [encode(statistics(str(config[STAGE_KEY]), config, parameters))], 1


def answer(msg: Message, context: Context, statistics: Statistics) -> Message:
    """A party's answer to one message of a secure sum (Message-API ClientApp)."""

    def fit(inner: Message, _context: Context) -> Message:
        ins = compat.recorddict_to_fitins(inner.content, keep_input=True)
        vector, weight = fit_answer(parameters_to_ndarrays(ins.parameters), dict(ins.config),
                                    statistics)
        res = FitRes(Status(Code.OK, ""), ndarrays_to_parameters(vector), weight, {})
        return Message(compat.fitres_to_recorddict(res, keep_input=True), reply_to=inner)

    return secaggplus_mod(msg, context, fit)
