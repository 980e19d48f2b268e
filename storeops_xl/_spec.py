"""One declarative spec per StoreOps function, written next to the core function.

A core function becomes an Excel function with the :func:`excel` decorator::

    @excel(
        "REPLY_OK",
        "及时回复 TRUE when an inquiry was answered within 24 h or a TM message within 1 h.",
        "bool",
        help={"hours": "回复用时(小时) reply hours", "inquiry_hours": "询盘时限 cfg_reply_inquiry_h", ...},
        twin=...,
    )
    def reply_ok(hours, channel, inquiry_hours=None, tm_hours=None): ...

The decorator returns the function unchanged (as ``xw.func`` does) and records a
:class:`FunctionSpec`; ``_registry.FUNCTIONS`` collects them.  Everything else is derived
from the spec and checked against it by tests: the UDF wrappers (``udfs._excel.udf``
takes the description and the argument help from here), the VBA wrapper, the Guide
sheet's function list, the signature lines of ``docs/functions.md``, the number format of
a formula column (``returns``) and the native twin's defaults (a setting parameter's
default is its ``cfg_*`` cell's, ``settings.DEFAULTS``, never a second copy).

Fields
------
``name``: the Excel name.  ``summary``: the Function Wizard description, Chinese first.
``returns``: the number format of the result.  ``help``: parameter → bilingual help.
``settings``: parameter → the ``cfg_*`` setting a blank argument takes (its help gets the
setting's name and default appended).  ``ranges`` names the parameters
that take a whole range per call (the 12 month weights of ``TARGET_SPLIT``) instead of
one value per row; ``aggregate`` marks functions that turn whole ranges into one value
(``TIMELY_RATE``).

``twin`` is the function's *native twin*: the same rule as an Excel formula that every
spreadsheet program computes without Python (WPS, LibreOffice, Excel without the add-in).
It is written over the parameter names, ``{clicks}``; ``{name|default}`` gives the value
an omitted optional argument takes.  A setting parameter is written bare, ``{a_usd}``: the
spec turns it into ``IF({a_usd|""}="",10000,--{a_usd|""})`` — the ``cfg_*`` default when
the argument is omitted or its cell is blank, exactly as the core reads it.  A twin is exact over the inputs the workbook allows (blank cells, zeros,
non-negative numbers, numbers typed as text, the drop-down values of its columns;
``tests/core/test_twins.py`` checks it with hypothesis against the core function,
evaluated by the headless engine and by LibreOffice); outside them both give an error,
not necessarily the same one.  ``guard`` is a native condition under which the function
returns a blank: the ``.xlsm`` writes ``IF(guard,"",FUNC(...))`` so a client without
Python computes those blanks itself.  ``native`` asks the ``.xlsm`` to write the twin as
well, for a per-row rule whose inputs change with every order or class (so Excel does not
call Python for every row when one order is typed).

``stamp`` marks a function whose cells the ``.xlsm`` holds as *stamped values*, like the
as-of date: ``BENCHMARK`` reads a whole table column and feeds one ``FUNNEL_DIAG`` per row,
so as a live formula any edit of one funnel or product row would make Excel call Python
for every row.  ``storeops recalc`` / ``watch`` / ``import`` and Excel's Refresh and save
recompute them (``docs/workbook.md``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict, TypeVar

from .settings import DEFAULTS

__all__ = ["FunctionSpec", "Returns", "excel", "functions_markdown", "native_num", "native_ratio"]

Returns = Literal["number", "percent", "money", "hours", "date", "bool", "text", "int", "score"]
F = TypeVar("F", bound=Callable[..., Any])
_BARE = re.compile(r"\{(\w+)\}")

#: every spec in definition order; ``_registry`` imports the rule modules, then reads it
REGISTERED: list[FunctionSpec] = []


@dataclass(frozen=True)
class FunctionSpec:
    """One StoreOps function as Excel sees it (see the module text for the fields)."""

    name: str
    func: Callable[..., Any]
    returns: Returns = "number"
    ranges: tuple[str, ...] = field(default=())
    aggregate: bool = False
    twin: str | None = None
    guard: str | None = None
    summary: str = ""
    stamp: bool = False
    help: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    example: str = ""
    native: bool = False

    def __post_init__(self) -> None:
        if self.twin is not None:  # a setting parameter's twin default is its cfg_* cell's default
            sets = self.settings
            twin = _BARE.sub(lambda m: _with_default(m.group(1), sets), self.twin)
            object.__setattr__(self, "twin", twin)

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names, in order (the core function's signature)."""
        return tuple(inspect.signature(self.func).parameters)

    @property
    def optional(self) -> frozenset[str]:
        """Parameters that may be left out."""
        sig = inspect.signature(self.func).parameters
        return frozenset(p for p, v in sig.items() if v.default is not inspect.Parameter.empty)

    def arg_help(self, param: str) -> str:
        """The help of one parameter as Excel's Function Wizard shows it (with the default)."""
        text = self.help.get(param, "")
        cfg = self.settings.get(param)
        return " ".join(t for t in (text, f"{cfg} ({DEFAULTS[cfg]})" if cfg else "") if t)

    @property
    def signature(self) -> str:
        """``NAME(a, b, [c])``: optional parameters in brackets."""
        opt = self.optional
        return f"{self.name}(" + ", ".join(f"[{p}]" if p in opt else p for p in self.params) + ")"

    @property
    def doc_line(self) -> str:
        """The line under the function's heading in ``docs/functions.md`` (a test keeps it current)."""
        f = self.func
        mod = f.__module__.rsplit(".", 1)[-1]
        line = f"`{self.signature}` — core `storeops_xl.{f.__name__}` (module `{mod}`), returns *{self.returns}*"
        if self.ranges:
            line += "; range parameters: " + ", ".join(f"`{p}`" for p in self.ranges)
        if self.aggregate:
            line += "; **aggregate** (whole ranges → one value)"
        if self.settings:
            line += "; settings: " + ", ".join(f"`{c}`" for c in self.settings.values())
        if self.twin:
            line += "; native twin (computed without Python)"
        return line

    @property
    def doc_section(self) -> str:
        """The function's section of ``docs/functions.md``: heading, :attr:`doc_line`, the core
        docstring's first paragraph, where the rule comes from and an example."""
        doc = inspect.getdoc(self.func) or ""
        first = " ".join(doc.split("\n\n")[0].split())
        first = re.sub(r":\w+:`\.?([^`]+)`", r"`\1`", first).replace("``", "`")
        return (
            f"### {self.name}\n\n{self.doc_line}\n\n{first}\n\n"
            f"- 来源 Source: {self.source}\n- 例 Example: {self.example}\n"
        )


def functions_markdown(specs: Iterable[FunctionSpec]) -> str:
    """The ``## 函数 Functions`` block of ``docs/functions.md``, one section per spec."""
    return "\n".join(s.doc_section for s in specs)


def _with_default(param: str, sets: Mapping[str, str]) -> str:
    """A setting parameter in a twin: its ``cfg_*`` default when omitted *or blank*, as the core."""
    cfg = sets.get(param)
    if not cfg:
        return f"{{{param}}}"
    p = f'{{{param}|""}}'
    return f'IF({p}="",{DEFAULTS[cfg]},--{p})'


def excel(
    name: str,
    summary: str,
    returns: Returns = "number",
    *,
    help: Mapping[str, str],
    settings: Mapping[str, str] | None = None,
    ranges: tuple[str, ...] = (),
    aggregate: bool = False,
    twin: str | None = None,
    guard: str | None = None,
    stamp: bool = False,
    source: str = "",
    example: str = "",
    native: bool = False,
) -> Callable[[F], F]:
    """Declare a core function as the Excel function ``name``; returns it unchanged."""

    def register(func: F) -> F:
        REGISTERED.append(
            FunctionSpec(
                name,
                func,
                returns,
                ranges,
                aggregate,
                twin,
                guard,
                summary=summary,
                help=dict(help),
                settings=dict(settings or {}),
                stamp=stamp,
                source=source,
                example=example,
                native=native,
            )
        )
        return func

    return register


def native_num(p: str) -> str:
    """A count/amount argument as a number: a blank cell or "" is 0, a number typed as text is read."""
    return f'IF({{{p}}}="",0,--{{{p}}})'


class NativeRule(TypedDict):
    """A twin and its guard, passed to :func:`excel` as ``**native_ratio(...)``."""

    twin: str
    guard: str


def native_ratio(n: str, d: str) -> NativeRule:
    """n ÷ d, blank when either is blank or d is 0 (SPEC §5): the twin and the guard."""
    return {
        "twin": f'IF(OR({{{n}}}="",{{{d}}}=""),"",IF(--{{{d}}}>0,{{{n}}}/{{{d}}},""))',
        "guard": f'OR({{{n}}}="",{{{d}}}="",--{{{d}}}=0)',
    }
