"""End to end, as ``make demo`` does it: the real ``datensorgfalt federated run`` (Flower
processes) on the three demo customers' machine data, then ``datensorgfalt report``: the
report shows per company alone against together as the command measured it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from datensorgfalt.demo.partners import PARTNER_DIR, PARTNERS, TARGET

pytestmark = pytest.mark.slow
SRC = Path(__file__).resolve().parents[1] / "src"
VERDICTS = {"met": "Gemeinsam ist klar besser als allein.",
            "not_met": "Gemeinsam ist hier nicht besser als allein.",
            "undecided": "Ob gemeinsam besser ist, lässt sich noch nicht sagen."}


def run(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATENSORGFALT_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _mae(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def test_demo_customers_learn_together_and_the_report_shows_it(demo_company: Path,
                                                                tmp_path: Path) -> None:
    root = tmp_path / "firma"
    shutil.copytree(demo_company / PARTNER_DIR, root / PARTNER_DIR)
    assert run("init", str(root), cwd=tmp_path, timeout=120).returncode == 0
    parties = [arg for p in PARTNERS for arg in ("--party", f"{p.name}={p.file}")]
    done = run("federated", "run", *parties, "--target", TARGET, "--rounds", "3",
               "--insecure", "--json", cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert [p["name"] for p in result["parties"]] == [p.name for p in PARTNERS]
    assert [p["rows"] for p in result["parties"]] == [p.rows for p in PARTNERS]

    report = run("report", "--json", cwd=root, timeout=300)
    assert report.returncode == 0, report.stderr[-2000:]
    files = json.loads(report.stdout)
    assert "federated" in files["sections"]
    html = Path(files["html"]).read_text("utf-8")
    section = html.split('<section id="federated">')[1].split("</section>")[0]
    for party in result["parties"]:
        line = section.split(f"<li><strong>{party['name']} (")[1].split("</li>")[0]
        assert VERDICTS[party["verdict"]["verdict"]] in line
        assert f"um {_mae(party['alone'])} daneben, gemeinsam um {_mae(party['together'])}" \
            in line
        assert f"{party['name']} hat " in section  # what it sent: messages and model values
    assert "nur zum Vergleich; in Wirklichkeit nicht möglich" in section
    assert f"datensorgfalt predict {result['id']}" in section
