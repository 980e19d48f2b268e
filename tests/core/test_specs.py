"""One spec per function (``storeops_xl._spec.excel`` next to the core function) and
everything derived from it: the UDFs, the VBA wrapper, the Guide sheet, docs/functions.md,
the formula columns' number formats and the native twins' defaults.  Each test fails when
a generated or checked artefact drifts from the spec."""

from __future__ import annotations

import inspect
import os
import re
from pathlib import Path

import pytest

import udfs
from storeops.vba import udf_functions, udf_wrapper_module
from storeops.workbook import schema
from storeops.workbook.guide import function_rows
from storeops_xl import FUNCTIONS, FunctionSpec
from storeops_xl._spec import functions_markdown
from storeops_xl.settings import DEFAULTS

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(FUNCTIONS)
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", NAMES)
def test_spec_is_complete(name):
    spec = FUNCTIONS[name]
    assert spec.name == name and name == spec.func.__name__.upper()
    assert _CJK.search(" ".join(spec.summary.split()[:2])), "summary: Chinese first"
    assert set(spec.help) == set(spec.params), "every parameter has help, and only parameters"
    for p in spec.params:
        assert spec.arg_help(p).strip(), p
    assert set(spec.ranges) <= set(spec.params)
    assert not spec.aggregate or spec.ranges, "an aggregate takes whole ranges"
    for p, cfg in spec.settings.items():
        assert cfg in DEFAULTS, (p, cfg)
        assert p in spec.optional, f"setting parameter {p} must be optional (blank = {cfg})"
        src = inspect.getsource(spec.func)
        assert f'"{cfg}"' in src or cfg == f"cfg_{p}", f"{spec.func.__name__} never reads {cfg}"


@pytest.mark.parametrize("name", [n for n in NAMES if FUNCTIONS[n].twin])
def test_twin_defaults_are_the_settings(name):
    """A twin takes a setting parameter's default from the setting (omitted or blank), never
    from a second copy of the number."""
    spec = FUNCTIONS[name]
    for p, cfg in spec.settings.items():
        if f"{{{p}" not in spec.twin:
            continue
        form = f'IF({{{p}|""}}="",{DEFAULTS[cfg]},--{{{p}|""}})'
        assert spec.twin.count(f"{{{p}") == 2 * spec.twin.count(form), (p, spec.twin)


def test_every_registered_function_has_its_udf():
    """A function registered but missing from ``udfs`` would never reach Excel."""
    missing = [n for n in NAMES if n not in udfs.__all__ or not callable(getattr(udfs, n, None))]
    assert not missing, f"registered without a UDF in udfs/: {missing}"
    assert sorted(udfs.__all__) == NAMES, "a UDF without a spec"
    for n in NAMES:
        f, spec = getattr(udfs, n), FUNCTIONS[n]
        assert tuple(inspect.signature(f).parameters) == spec.params, n
        assert inspect.signature(f).parameters.keys() == inspect.signature(spec.func).parameters.keys()
        assert f.__doc__ == spec.summary, n
        for p, param in inspect.signature(f).parameters.items():
            assert (param.default is inspect.Parameter.empty) == (p not in spec.optional), (n, p)


def test_a_udf_without_a_spec_or_with_other_parameters_fails_at_import():
    from udfs._excel import udf

    def NOT_A_FUNCTION(x):
        return x

    def CTR(clicks):  # impressions missing
        return clicks

    for f in (NOT_A_FUNCTION, CTR):
        with pytest.raises(TypeError):
            udf(f)


def test_vba_wrapper_declares_every_function_with_its_parameters():
    assert [f.__name__ for f in udf_functions("udfs")] == list(udfs.__all__)
    vba = udf_wrapper_module()
    for n in NAMES:
        spec = FUNCTIONS[n]
        args = ", ".join(f"Optional {p}" if p in spec.optional else p for p in spec.params)
        assert re.search(rf"^Function {n}\({re.escape(args)}\)\r?$", vba, re.M), n


def test_guide_lists_every_function_from_its_spec():
    rows = {name: (params, desc) for name, params, desc in function_rows()}
    assert sorted(rows) == NAMES
    for n in NAMES:
        spec = FUNCTIONS[n]
        assert f"{n}({rows[n][0]})" == spec.signature
        assert rows[n][1].startswith(spec.summary) and spec.returns in rows[n][1]


_BLOCK = re.compile(r"(?<=^## 函数 Functions\n\n).*?(?=^## )", re.M | re.S)


def test_docs_functions_md_is_current():
    """The ``## 函数 Functions`` block of ``docs/functions.md`` is generated from the specs
    (signature, core function, return format, ranges, settings, twin, the core docstring's
    first paragraph, source, example).  ``STOREOPS_UPDATE_DOCS=1`` rewrites it."""
    path = ROOT / "docs" / "functions.md"
    text = path.read_text(encoding="utf-8")
    block = functions_markdown(FUNCTIONS.values()) + "\n"
    fresh = _BLOCK.sub(lambda m: block, text, count=1)
    if fresh != text and os.environ.get("STOREOPS_UPDATE_DOCS") == "1":
        path.write_text(fresh, encoding="utf-8")
        text = fresh
    assert _BLOCK.search(text), "docs/functions.md lost its ## 函数 Functions heading"
    assert fresh == text, "docs/functions.md is stale: run STOREOPS_UPDATE_DOCS=1 pytest tests/core/test_specs.py"


#: a numeric result whose unit follows its input (TARGET_SPLIT of money or of counts)
_NUMERIC = {"number", "money", "cny", "int", "score"}


def test_formula_columns_use_the_return_format():
    """A column that is one StoreOps call shows it in the function's ``returns`` format."""
    seen = 0
    for t in schema.TABLES.values():
        for c in t.columns:
            m = re.fullmatch(r"([A-Z_0-9]+)\(.*\)", c.formula or "")
            if not (m and m.group(1) in FUNCTIONS):
                continue
            seen += 1
            want = FUNCTIONS[m.group(1)].returns
            assert c.fmt == want or (want == "number" and c.fmt in _NUMERIC), (t.name, c.key, c.fmt, want)
    assert seen > 20


def test_spec_fields():
    spec = FUNCTIONS["REPLY_OK"]
    assert isinstance(spec, FunctionSpec)
    assert spec.signature == "REPLY_OK(hours, channel, [inquiry_hours], [tm_hours], [rule], [answered], [fast_minutes])"
    assert spec.settings == {
        "inquiry_hours": "cfg_reply_inquiry_h",
        "tm_hours": "cfg_reply_tm_h",
        "fast_minutes": "cfg_reply_1688_min",
    }
    assert spec.arg_help("tm_hours") == "TM 时限 (alibaba_2024) cfg_reply_tm_h (1)"
    assert 'IF({tm_hours|""}="",1,--{tm_hours|""})' in spec.twin and 'IF({inquiry_hours|""}="",24,' in spec.twin


def _example_args(text: str):
    """The literal arguments of a docs example, ``cfg_*`` names read as their defaults and
    empty arguments as blanks; None when the example refers to cells or tables."""
    parts = [p.strip() for p in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", text)]
    out = []
    for p in parts:
        if p == "":
            out.append(None)
        elif p in DEFAULTS:
            out.append(DEFAULTS[p])
        elif p in ("TRUE", "FALSE"):
            out.append(p == "TRUE")
        elif re.fullmatch(r"-?\d+(\.\d+)?", p):
            out.append(float(p) if "." in p else int(p))
        elif re.fullmatch(r'"[^"]*"', p):
            out.append(p[1:-1])
        else:
            return None
    return out


def _shown(got, want: str) -> bool:
    if want in ("TRUE", "FALSE"):
        return got is (want == "TRUE")
    if re.fullmatch(r"-?\d+(\.\d+)?", want):
        places = len(want.split(".")[1]) if "." in want else 0
        return isinstance(got, (int, float)) and round(float(got), places) == float(want)
    if re.fullmatch(r"\d{4}-\d\d-\d\d", want):
        return hasattr(got, "isoformat") and got.isoformat()[:10] == want
    if want.endswith("…"):
        return isinstance(got, str) and got.startswith(want[:-1].rstrip())
    return got == want


def test_docs_examples_are_what_the_functions_answer():
    """Every example of a spec written with literal arguments (``=CTR(71, 4378) → 0.0162``)
    is what the UDF answers, so the docs and the Function Wizard help cannot drift."""
    checked = 0
    for n in NAMES:
        for m in re.finditer(r"`=(\w+)\((.*?)\) → ([^`]*)`", FUNCTIONS[n].example):
            name, text, want = m.groups()
            args = _example_args(text)
            if args is None:
                continue
            got = getattr(udfs, name)(*args)
            assert _shown(got, want.strip()), (n, text, got, want)
            checked += 1
    assert checked >= 25
