"""Services: plain functions with typed inputs and outputs (CLI, web UI and tests call them)."""

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
"""How long-running entry points (scan, quality, privacy) report progress:
``progress(done, total, label)``; ``label`` is what is being worked on, empty at the end."""
