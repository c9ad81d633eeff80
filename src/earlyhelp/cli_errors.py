"""The one place the command line turns an :class:`EarlyHelpError` into a message and exit 1.

Every command raises errors meant for people as ``EarlyHelpError`` subclasses; this group
catches them around whichever command runs, prints the message alone, and leaves the traceback
to ``earlyhelp --debug``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from earlyhelp.errors import EarlyHelpError

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
