"""``datensorgfalt keys create|show``: the company's keys for signed, encrypted packages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    overwrite_option,
    resolve_workspace,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.outputs import check_output, writing
from datensorgfalt.services.sharing import (
    create_keys,
    own_public_keys,
    passphrase_from_env,
    public_key_text,
    show_fingerprint,
)


def passphrase_option() -> typer.Option:
    return typer.Option(None, "--passphrase-env", metavar="VARIABLE",
                        help=t("sharing.help.passphrase_env"))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("sharing.help.keys_group"), no_args_is_help=True)
    app.add_typer(group, name="keys")

    @group.command("create", help=t("sharing.help.keys_create"))
    @handles_errors
    def create_command(
        passphrase_env: str = passphrase_option(),
        name: str = typer.Option(None, "--name", help=t("sharing.help.name")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        ws = resolve_workspace(workspace)
        public = create_keys(ws, passphrase_from_env(passphrase_env), name)
        if as_json:
            sys.stdout.write(json.dumps(public.to_dict(), indent=2) + "\n")
            return
        console.print(t("sharing.keys.created", path=ws.folder / "keys",
                        fingerprint=show_fingerprint(public.fingerprint)), highlight=False)
        if passphrase_env:
            console.print(t("sharing.keys.protected"))
        console.print(t("sharing.keys.share_public"), highlight=False, markup=False)

    @group.command("show", help=t("sharing.help.keys_show"))
    @handles_errors
    def show_command(
        public: bool = typer.Option(True, "--public", help=t("sharing.help.public")),
        out: Path = typer.Option(None, "--out", "-o", help=t("sharing.help.public_out")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        ws = resolve_workspace(workspace)
        text = public_key_text(ws)
        if out is not None:
            target = check_output(out, overwrite=overwrite)
            with writing(target, ws) as temporary:
                temporary.write_text(text, "utf-8")
            if not as_json:
                console.print(t("sharing.keys.written", path=target), highlight=False)
        if as_json or out is None:
            sys.stdout.write(text)
        else:
            keys = own_public_keys(ws)
            console.print(show_fingerprint(keys.fingerprint), highlight=False)
