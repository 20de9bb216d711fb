"""Inspection photos: 64x64 brushed sheet metal, many good parts, few with scratches or dents."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from datensorgfalt.demo.landscape import Landscape

IMAGE_DIR = "bilder/pruefung"
SIZE = 64
OK_COUNT = 240
DEFECT_COUNT = 12
NEEDED_FOR_TRAINING = 200


def write_images(land: Landscape) -> None:
    for index in range(1, OK_COUNT + 1):
        rng = land.np_rng(f"image-ok-{index}")
        land.write_bytes(f"{IMAGE_DIR}/ok/teil_{index:04d}.png", _png(_sheet(rng)))
    kinds = []
    for index in range(1, DEFECT_COUNT + 1):
        rng = land.np_rng(f"image-defect-{index}")
        kind = "kratzer" if index % 3 else "delle"
        pixels = _scratch(_sheet(rng), rng) if kind == "kratzer" else _dent(_sheet(rng), rng)
        land.write_bytes(f"{IMAGE_DIR}/defekt/teil_{index:04d}_{kind}.png", _png(pixels))
        kinds.append(kind)
    land.plant("few-defect-images", labels={"ok": OK_COUNT, "defekt": DEFECT_COUNT},
               needed_per_label=NEEDED_FOR_TRAINING,
               defects={k: kinds.count(k) for k in sorted(set(kinds))})


def _sheet(rng: np.random.Generator) -> np.ndarray:
    """Brushed metal: streaks along one direction, a soft light gradient, fine noise."""
    base = rng.uniform(145, 185)
    streaks = np.repeat(rng.normal(0, 6, (SIZE, 1)), SIZE, axis=1)
    streaks += np.repeat(rng.normal(0, 3, (1, SIZE)), SIZE, axis=0) * 0.3
    if rng.random() < 0.5:
        streaks = streaks.T
    ramp = np.linspace(-1, 1, SIZE)
    light = rng.uniform(-12, 12) * ramp[None, :] + rng.uniform(-8, 8) * ramp[:, None]
    noise = rng.normal(0, 3.5, (SIZE, SIZE))
    return base + streaks + light + noise


def _scratch(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A thin dark groove with a bright edge, 25-50 px long, at any angle."""
    cx, cy = rng.uniform(20, 44, 2)
    angle, length = rng.uniform(0, np.pi), rng.uniform(25, 50)
    steps = np.linspace(-length / 2, length / 2, int(length * 3))
    cols = np.clip(np.round(cx + steps * np.cos(angle)).astype(int), 0, SIZE - 1)
    rows = np.clip(np.round(cy + steps * np.sin(angle)).astype(int), 0, SIZE - 1)
    groove = {(int(r), int(c)) for r, c in zip(rows, cols, strict=True)}
    edge = {(min(r + 1, SIZE - 1), c) for r, c in groove} - groove
    for r, c in sorted(groove):
        pixels[r, c] -= rng.uniform(50, 75)
    for r, c in sorted(edge):
        pixels[r, c] += 25
    return pixels


def _dent(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A round dent: shaded dark on one side, bright on the other, with a dark rim."""
    cx, cy = rng.uniform(20, 44, 2)
    radius = rng.uniform(8, 13)
    rows, cols = np.mgrid[0:SIZE, 0:SIZE]
    dx, dy = cols - cx, rows - cy
    distance = np.hypot(dx, dy)
    inside = np.clip(1 - distance / radius, 0, 1)
    pixels += 110 * inside * (dx + dy) / (radius * 1.4)
    pixels -= 35 * np.exp(-((distance - radius) ** 2) / 2.0)
    return pixels


def _png(pixels: np.ndarray) -> bytes:
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
