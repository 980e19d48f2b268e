"""Native Excel charts: the funnel, target progress and the PK scores.

* 漏斗 Funnel sheet — a bar chart of the five funnel totals (``funnel_impressions`` …
  ``funnel_orders``), right of the table;
* PK sheet — target progress (actual vs target sales per salesperson, from ``tblTarget``)
  and the PK score per salesperson (``tblPK``): the boss reads progress and PK together.

Charts read fixed ranges (Excel charts cannot use structured references): they cover the
rows the table had when the workbook was built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import schema

if TYPE_CHECKING:  # pragma: no cover
    from .build import _Builder

FONT = {"name": "Microsoft YaHei", "size": 9}


def _col_range(b: _Builder, table: schema.Table, key: str) -> list:
    col = table.anchor_col + table.keys.index(key)
    first = table.anchor_row + 1
    return [table.sheet, first, col, first + b.row_counts[table.name] - 1, col]


def add_charts(b: _Builder) -> None:
    wb = b.wb

    # funnel totals
    totals = [f"funnel_{k}" for k in ("impressions", "clicks", "visitors", "inquiries", "orders")]
    cells = [c for c in schema.FUNNEL_CELLS if c.name in totals]
    sheet, label_row, _ = b.cell_refs[cells[0].name]
    label_row -= 1
    cols = [b.cell_refs[c.name][2] for c in cells]
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "漏斗 Funnel",
            "categories": [sheet, label_row, cols[0], label_row, cols[-1]],
            "values": [sheet, label_row + 1, cols[0], label_row + 1, cols[-1]],
            "fill": {"color": "#2E75B6"},
            "data_labels": {"value": True, "num_format": "#,##0", "font": FONT},
        }
    )
    chart.set_title({"name": "漏斗 曝光→成交 Funnel: impressions → orders", "name_font": {**FONT, "size": 11}})
    chart.set_y_axis({"reverse": True, "num_font": FONT})
    chart.set_x_axis({"num_font": FONT, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"none": True})
    chart.set_size({"width": 560, "height": 320})
    t = schema.FUNNEL
    b.sheets[t.sheet].insert_chart(0, t.anchor_col + len(t.columns) + 1, chart, {"x_offset": 10, "y_offset": 10})

    pk_ws = b.sheets[schema.S_PK]
    anchor = max(schema.TEAMS.anchor_col + len(schema.TEAMS.columns), schema.PK.anchor_col + len(schema.PK.columns)) + 1

    # target progress: actual vs target sales per salesperson
    tt = schema.TARGET
    chart = wb.add_chart({"type": "column"})
    for key, colour in (("sales_target", "#BDD7EE"), ("sales_actual", "#2E75B6")):
        chart.add_series(
            {
                "name": [tt.sheet, tt.anchor_row, tt.anchor_col + tt.keys.index(key)],
                "categories": _col_range(b, tt, "salesperson"),
                "values": _col_range(b, tt, key),
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": "目标进度 Target progress (USD)", "name_font": {**FONT, "size": 11}})
    chart.set_y_axis(
        {"num_format": "$#,##0", "num_font": FONT, "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}}
    )
    chart.set_x_axis({"num_font": FONT})
    chart.set_legend({"position": "bottom", "font": FONT})
    chart.set_size({"width": 520, "height": 300})
    pk_ws.insert_chart(0, anchor, chart, {"x_offset": 10, "y_offset": 10})

    # PK scores
    pk = schema.PK
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": [pk.sheet, pk.anchor_row, pk.anchor_col + pk.keys.index("score")],
            "categories": _col_range(b, pk, "salesperson"),
            "values": _col_range(b, pk, "score"),
            "fill": {"color": "#70AD47"},
            "data_labels": {"value": True, "num_format": "0.0", "font": FONT},
        }
    )
    chart.set_title({"name": "PK 得分 PK score", "name_font": {**FONT, "size": 11}})
    chart.set_y_axis({"reverse": True, "num_font": FONT})
    chart.set_x_axis({"num_font": FONT, "min": 0})
    chart.set_legend({"none": True})
    chart.set_size({"width": 520, "height": 300})
    pk_ws.insert_chart(16, anchor, chart, {"x_offset": 10, "y_offset": 10})
