"""Images: format and pixel size from the file header (Pillow opens lazily)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from datensorgfalt.sources.base import ReadError

EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}


def describe_image(path: Path) -> dict:
    """``{"format": "PNG", "width": 64, "height": 64, "mode": "L"}``."""
    try:
        with Image.open(path) as image:
            return {"format": image.format, "width": image.width, "height": image.height,
                    "mode": image.mode}
    except (UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ReadError("scan.read.image_broken", reason=str(exc)[:200]) from exc
