"""``datensorgfalt share pack|open``: signed, encrypted data packages for a partner."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.commands.keys import passphrase_option
from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.sharing import (
    find_purpose,
    load_keys,
    open_package,
    pack,
    parse_when,
    passphrase_from_env,
    show_fingerprint,
)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("sharing.help.share_group"), no_args_is_help=True)
    app.add_typer(group, name="share")

    @group.command("pack", help=t("sharing.help.share_pack"))
    @handles_errors
    def pack_command(
        dataset: str = typer.Argument(..., help=t("sharing.help.dataset")),
        recipient: Path = typer.Option(..., "--for", help=t("sharing.help.for")),
        purpose: str = typer.Option(..., "--purpose", help=t("sharing.help.pack_purpose")),
        out: Path = typer.Option(..., "--out", "-o", help=t("sharing.help.pack_out")),
        until: str = typer.Option(None, "--until", help=t("sharing.help.until")),
        protect: bool = typer.Option(False, "--protect", help=t("sharing.help.protect")),
        max_transfers: int = typer.Option(None, "--max-transfers", min=0,
                                          help=t("sharing.help.max_transfers")),
        passphrase_env: str = passphrase_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        if until:
            parse_when(until)
        with open_catalog(workspace) as (ws, catalog):
            keys = load_keys(ws, passphrase_from_env(passphrase_env))
            result = pack(ws, catalog, keys, dataset, recipient, purpose, out, until=until,
                          force_protect=protect, max_transfers=max_transfers)
        if as_json:
            print_json(result.to_dict())
            return
        data = next(name for name in result.files if name.endswith(".csv"))
        console.print(t("sharing.package.packed", recipient=show_fingerprint(result.recipient),
                        folder=result.folder), highlight=False)
        console.print(t("sharing.package.packed_protected" if result.protected
                        else "sharing.package.packed_plain", data=data), highlight=False)
        console.print(t("sharing.package.packed_policy", purpose=find_purpose(purpose).name(),
                        until=until or t("sharing.package.no_end")), highlight=False)

    @group.command("open", help=t("sharing.help.share_open"))
    @handles_errors
    def open_command(
        package: Path = typer.Argument(..., help=t("sharing.help.package")),
        purpose: str = typer.Option(..., "--purpose", help=t("sharing.help.open_purpose")),
        out: Path = typer.Option(..., "--out", "-o", help=t("sharing.help.open_out")),
        sender: Path = typer.Option(None, "--from", help=t("sharing.help.from")),
        passphrase_env: str = passphrase_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            keys = load_keys(ws, passphrase_from_env(passphrase_env))
            result = open_package(ws, keys, package, purpose, out, sender_file=sender,
                                  catalog=catalog)
        if as_json:
            print_json(result.to_dict())
            return
        console.print(t("sharing.package.opened", folder=result.folder), highlight=False)
        console.print(t("sharing.package.opened_sender", name=result.sender_name or "-",
                        fingerprint=show_fingerprint(result.sender)), highlight=False)
        for path in result.written:
            console.print(f"  {path.name}", highlight=False, markup=False)
