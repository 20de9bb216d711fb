"""``datensorgfalt poc image`` through the CLI on a fresh workspace with default settings, on
two image sets that need no download: scikit-learn's handwritten digits (1,797 pictures of
8x8 pixels, 10 classes, shipped inside scikit-learn) and the demo company's inspection photos
(240 ``ok``, 12 ``defekt``).

Reference in the same run: the majority class (the PoC's Ist) and, for the digits, a plain
logistic regression on the raw pixels, scored by the same stratified cross-validation.
Run: ``.venv/bin/python benchmarks/poc_image.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATENSORGFALT_LANG="de")
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=folder, env=env,
                          capture_output=True, text=True, check=False)


def run_poc(folder: Path, title: str, soll: str | None) -> tuple[dict, float]:
    for step in (("init",), ("scan", ".")):
        done = cli(folder, *step)
        if done.returncode:
            sys.exit(f"{step[0]} failed: {done.stderr[-2000:]}")
    start = time.monotonic()
    done = cli(folder, "poc", "image", "--dataset", title, "--yes", "--json",
               *(["--soll", soll] if soll else []))
    wall = time.monotonic() - start
    if done.returncode:
        sys.exit(f"poc image failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return json.loads(done.stdout), wall


def digits_folder(root: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    folder = root / "ziffern" / "bilder"
    for index, (pixels, label) in enumerate(zip(digits.images, digits.target, strict=True)):
        path = folder / str(label) / f"ziffer_{index:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray((pixels * 15).astype(np.uint8), mode="L").save(path)
    return root / "ziffern", digits.data, digits.target


def raw_pixel_reference(X: np.ndarray, y: np.ndarray) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(5, shuffle=True, random_state=17)
    return float(cross_val_score(LogisticRegression(max_iter=3000), X, y, cv=folds).mean())


def demo_folder(root: Path) -> Path:
    from datensorgfalt.demo.images import write_images
    from datensorgfalt.demo.landscape import Landscape

    folder = root / "firma"
    write_images(Landscape(folder, 20240611))  # bilder/pruefung/ok, bilder/pruefung/defekt
    return folder


def show(name: str, data: dict, wall: float) -> None:
    model, base = data["model"] or {"metrics": {}}, data["baseline"]
    figures = ", ".join(f"{k} {model['metrics'].get(k, float('nan')):.3f} (Ist "
                        f"{base['metrics'].get(k, float('nan')):.3f})"
                        for k in ("accuracy", "macro_f1", "recall") if k in base["metrics"])
    comparison = data.get("comparison") or {}
    print(f"{name}: {figures}; verdict {data['verdict']} (criterion {data['criterion']}, "
          f"{comparison.get('measure')} difference {comparison.get('difference')}, 90 % "
          f"interval {comparison.get('interval')}); refit {data['refit']}; budget "
          f"{data['budget_seconds']:.0f} s, wall {wall:.1f} s")


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder, X, y = digits_folder(Path(tmp))
        data, wall = run_poc(folder, "bilder", None)
        show("digits (1,797 pictures, 10 classes)", data, wall)
        print(f"  reference: logistic regression on raw pixels, accuracy "
              f"{raw_pixel_reference(X, y):.3f} (5-fold stratified)")
        data, wall = run_poc(demo_folder(Path(tmp)), "pruefung", "Recall>=90%")
        show("demo inspection photos (240 ok, 12 defekt)", data, wall)


if __name__ == "__main__":
    main()
