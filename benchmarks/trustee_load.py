"""Load on the data trustee (issue 15): concurrent consumers each doing catalog -> contract
negotiation -> transfer -> pull of a dataset, over loopback against a real ``datensorgfalt
trustee serve`` process on SQLite (default) or on a throwaway PostgreSQL cluster
(``--db postgresql``, needs the PostgreSQL server programs, as the tests do). Prints flows per
second, p50/p95 latency of one flow and the number of errors (must be 0). No connector
publishes comparable figures, so there is no reference beside it; the figure is ours to
publish. The client validates every message against the DSP schemas when ../shared is there,
which costs client CPU on the same machine.

    .venv/bin/python benchmarks/trustee_load.py [--db sqlite|postgresql] [--consumers 20]
        [--flows 200] [--mb 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from datensorgfalt.services.trustee import add_participant, init_trustee  # noqa: E402
from tests.helpers.pg import PostgresCluster  # noqa: E402
from tests.helpers.processes import free_port  # noqa: E402
from tests.trustee.conftest import Trustee, pull  # noqa: E402 - the tests' DSP client


def flow(trustee: Trustee, who: str, offer: dict, size: int) -> float:
    began = time.perf_counter()
    trustee.dsp("POST", "/dsp/catalog/request",
                {"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],
                 "@type": "CatalogRequestMessage"}, who)
    agreement = trustee.agree(who, offer)
    started = trustee.request_transfer(who, agreement["agreement"]["@id"])
    assert started.status == 201, started.body
    got = pull(trustee, trustee.start_message(who, started.json()["providerPid"]))
    assert got.status == 200 and len(got.body) == size
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consumers", type=int, default=20)
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    load = os.getloadavg()
    cluster = PostgresCluster() if args.db == "postgresql" else None
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        if cluster is not None:
            cluster.start()
        init_trustee(home, cluster.new_database() if cluster else None)
        trustee = Trustee(home, free_port())
        for name in ["owner"] + [f"c{i}" for i in range(args.consumers)]:
            trustee.people[name] = add_participant(home, name)
        trustee.start()
        try:
            data = os.urandom(int(args.mb * 1024 * 1024))
            offer = trustee.offer("owner", data)
            names = [f"c{i % args.consumers}" for i in range(args.flows)]
            began = time.perf_counter()
            with ThreadPoolExecutor(args.consumers) as pool:
                futures = [pool.submit(flow, trustee, name, offer, len(data)) for name in names]
                times, errors = [], 0
                for future in futures:
                    try:
                        times.append(future.result())
                    except Exception as exc:  # noqa: BLE001 - counted, first one shown
                        errors += 1
                        if errors == 1:
                            print("first error:", repr(exc)[:300])
            total = time.perf_counter() - began
        finally:
            trustee.stop()
            if cluster is not None:
                cluster.stop()
    quantiles = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    print(f"trustee load ({args.db}, loopback): {args.flows} flows, {args.consumers} "
          f"consumers, {args.mb:g} MB each; load average before: {load[0]:.2f}")
    print(f"  flows/s {args.flows / total:.1f}  p50 {quantiles[49]:.3f} s  "
          f"p95 {quantiles[94]:.3f} s  errors {errors}  total {total:.1f} s")


if __name__ == "__main__":
    main()
