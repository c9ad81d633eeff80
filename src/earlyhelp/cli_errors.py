"""The one place the command line turns an :class:`EarlyHelpError` into a message and exit 1,
and the checks that commands make before their work rather than after it.

Every command raises errors meant for people as ``EarlyHelpError`` subclasses; this group
catches them around whichever command runs, prints the message alone, and leaves the traceback
to ``earlyhelp --debug``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from earlyhelp.errors import ConfigurationError, EarlyHelpError

DEBUG_KEY = "earlyhelp.debug"
stderr = Console(stderr=True)


class ErrorHandlingGroup(TyperGroup):
    """The top-level command group: a readable message and exit code 1 for expected errors."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except EarlyHelpError as error:
            if ctx.meta.get(DEBUG_KEY):
                raise
            stderr.print(f"[red]Error:[/red] {escape(str(error))}", soft_wrap=True)
            stderr.print("(run `earlyhelp --debug ...` for the traceback)", style="dim")
            raise typer.Exit(code=1) from None


def set_debug(ctx: typer.Context, debug: bool) -> None:
    """Remember `--debug` for the handler (called from the top-level callback)."""
    ctx.meta[DEBUG_KEY] = debug


def check_writable(folder: Path) -> None:
    """Refuse, before hours of work, a folder the results could not be written to: a file is
    made and removed there (or in its nearest existing parent), which is the only test that
    also holds for a read-only file system and for root."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as error:
        raise ConfigurationError(
            f"cannot write to {folder}: {error.strerror or error}; check the data directory "
            "(EARLYHELP_DATA_DIR) before training"
        ) from error
