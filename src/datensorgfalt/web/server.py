"""Start the app with uvicorn (``datensorgfalt ui``)."""

from __future__ import annotations

import tempfile
import threading
import webbrowser
from pathlib import Path

from datensorgfalt.services.outputs import TEMP_FOLDER
from datensorgfalt.web.app import create_app
from datensorgfalt.web.security import LOOPBACK, WebSettings, login_token
from datensorgfalt.workspace import FOLDER


def address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(root: Path, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          announce=print) -> None:
    import uvicorn

    _spool_uploads_inside(root)
    token = None if host in LOOPBACK else login_token()
    settings = WebSettings(root=root.resolve(), host=host, token=token)
    url = address(host, port, token)
    announce(url)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                proxy_headers=False, server_header=False)


def _spool_uploads_inside(root: Path) -> None:
    """Starlette spools an upload over 1 MB into a temporary file while it parses it: that
    file goes to the workspace's own temp folder, not the system's, so no uploaded cell sits
    outside the workspace even for a moment (once there is a workspace to hold it)."""
    folder = root.resolve() / FOLDER
    if not folder.is_dir():
        return
    spool = folder / TEMP_FOLDER
    spool.mkdir(parents=True, exist_ok=True, mode=0o700)
    tempfile.tempdir = str(spool)
