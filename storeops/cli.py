"""``storeops`` command line.  Each sub-command is a module in ``storeops.commands``
with ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; they are
found automatically, so adding a command never touches this file.

Errors are one clear line and a non-zero exit code, never a traceback (set
``STOREOPS_DEBUG=1`` to see one); :mod:`storeops.errors` lists the exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from . import commands
from .errors import StoreOpsError, describe


class _Version(argparse.Action):
    """``--version``: the version is read only when asked (it loads the core, and pandas with it;
    ``storeops recalc`` of an unchanged file answers before that)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest, nargs=0, default=default, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__

        print(f"storeops {__version__}")
        parser.exit()


def _command_modules(only: str | None = None) -> list[str]:
    """The modules of ``storeops.commands`` (each its file's ``NAME``, read without importing
    it); with ``only``, the one whose ``NAME`` it is, when there is one — a command then
    imports nothing of the others (``storeops recalc`` of an unchanged file answers in a
    blink, and every command starts sooner)."""
    import re

    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    if only is None:
        return sorted(names)
    folder = os.path.dirname(commands.__file__ or "")
    for name in names:
        try:
            with open(os.path.join(folder, name + ".py"), encoding="utf-8") as fh:
                m = re.search(r'^NAME = "([^"]+)"', fh.read(), re.M)
        except OSError:
            break  # not plain files (a zipped install): all of them
        if m is not None and m.group(1) == only:
            return [name]
    return sorted(names)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the arguments, only the command they name is loaded
    (all of them for help, or when the first argument is no command's name)."""
    parser = argparse.ArgumentParser(
        prog="storeops",
        description="StoreOps XL —— 阿里国际站/1688 店铺运营工作簿 / the live workbook for Alibaba.com and 1688 stores",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    first = next((a for a in argv if not a.startswith("-")), None) if argv else None
    for name in _command_modules(first):
        mod = importlib.import_module(f"{commands.__name__}.{name}")
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(args_in)
    args = parser.parse_args(args_in)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("已取消 cancelled", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for a user
        known = describe(exc)
        if known is not None:
            if os.environ.get("STOREOPS_DEBUG") and not isinstance(exc, StoreOpsError):
                raise
            print(f"错误 error: {_one_line(known[0])}", file=sys.stderr)
            return known[1]
        if os.environ.get("STOREOPS_DEBUG"):
            raise
        print(
            f"内部错误 internal error: {type(exc).__name__}: {_one_line(str(exc))} (STOREOPS_DEBUG=1 shows details)",
            file=sys.stderr,
        )
        return 70


def _one_line(text: str) -> str:
    """Messages are one line, whatever an exception carried."""
    return " ".join(text.split())


def entry() -> None:  # pragma: no cover - the console script; tests call main()
    """Run :func:`main` as the ``storeops`` command and leave at once.

    A recalculation leaves millions of small objects behind; freeing them one by one at
    interpreter shutdown takes a noticeable fraction of a second and helps nobody, since
    every file is already written, flushed and closed.  So the command flushes its
    output and ends the process directly.
    """
    rc = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(rc)


if __name__ == "__main__":  # pragma: no cover
    entry()
