"""A person edits a built workbook (new follow-up rows, a changed setting), `storeops recalc` updates it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import openpyxl

from storeops.workbook import build_workbook, schema


def _cell(ws, table, key, row):
    return ws.cell(row, table.anchor_col + table.keys.index(key) + 1)


def test_append_rows_change_setting_recalc(tmp_path, small_demo_frames):
    from storeops.demo import demo_settings

    path = build_workbook(tmp_path / "Book.xlsm", data=small_demo_frames, settings=demo_settings())
    t = schema.FOLLOW
    n = len(small_demo_frames["tblFollow"])
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[t.sheet]
    first_new = t.anchor_row + 2 + n  # the row right below the table
    rows = [
        # buyer, order USD, paid, samples, channel, received, replied
        ("New Buyer One", 6000, 1, 0, "TM", datetime(2026, 11, 20, 9, 0), datetime(2026, 11, 20, 9, 30)),
        ("New Buyer Two", 0, 0, 2, "询盘 Inquiry", datetime(2026, 11, 19, 8, 0), datetime(2026, 11, 20, 14, 0)),
    ]
    o = schema.ORDERS
    wo = wb[o.sheet]
    order_row = o.anchor_row + 2 + len(small_demo_frames["tblOrders"])
    for i, (buyer, usd, paid, samples, channel, rec, rep) in enumerate(rows):
        r = first_new + i
        _cell(ws, t, "buyer", r).value = buyer
        _cell(ws, t, "source", r).value = "TM" if channel == "TM" else "询盘 Inquiry"
        _cell(ws, t, "channel", r).value = channel
        _cell(ws, t, "salesperson", r).value = "王芳 Wang Fang"
        _cell(ws, t, "received_at", r).value = rec
        _cell(ws, t, "replied_at", r).value = rep
        _cell(ws, t, "buyer_id", r).value = f"NEW{i}"
        msg = _cell(ws, t, "last_message", r)
        msg.value = "=please close the order so I can change the address"
        msg.data_type = "s"  # pasted as text, the way imports write it
        for kind, count, amount in (("付款 Paid", paid, usd), ("样品 Sample", samples, 100)):
            for _ in range(count):  # the buyer's orders, typed right below the Orders table
                for key, v in (
                    ("order_date", datetime(2026, 11, 20)),
                    ("buyer_id", f"NEW{i}"),
                    ("salesperson", "王芳 Wang Fang"),
                    ("kind", kind),
                    ("amount", amount),
                ):
                    _cell(wo, o, key, order_row).value = v
                order_row += 1
    ((sheet, ref),) = wb.defined_names["cfg_class_a_usd"].destinations
    wb[sheet][ref.replace("$", "")] = 5000
    wb.save(path)

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "storeops.cli", "recalc", str(path), "--no-progress"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    values = openpyxl.load_workbook(path, data_only=True)[t.sheet]
    one, two = first_new, first_new + 1
    assert _cell(values, t, "buyer", one).value == "New Buyer One"
    assert _cell(values, t, "last_message", one).value.startswith("=please")
    assert _cell(values, t, "buyer_class", one).value == "A"  # 6,000 ≥ the new 5,000 threshold
    assert _cell(values, t, "buyer_class", two).value == "C"
    assert abs(_cell(values, t, "reply_hours", one).value - 0.5) < 1e-9
    assert _cell(values, t, "timely", one).value == 1  # TRUE is cached as 1 (LibreOffice re-evaluates booleans)
    assert _cell(values, t, "reply_hours", two).value == 30
    from storeops_xl import FUNCTIONS

    risk = _cell(values, t, "scam_risk", one).value
    assert risk == FUNCTIONS["SCAM_RISK"].func("=please close the order so I can change the address")
    assert risk[0] in "高中"
    # an existing buyer between the old and new threshold moved to A as well
    n_mid = 0
    for i in range(n):
        r = t.anchor_row + 2 + i
        usd, paid = _cell(values, t, "order_usd", r).value or 0, _cell(values, t, "paid_orders", r).value or 0
        if 5000 <= usd < 10000 and paid < 3:
            assert _cell(values, t, "buyer_class", r).value == "A"
            n_mid += 1
    assert n_mid > 0
    # the table grew to include the new rows
    ref = openpyxl.load_workbook(path)[t.sheet].tables["tblFollow"].ref
    assert ref.endswith(str(two))
