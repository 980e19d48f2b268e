"""The 说明 Guide sheet: how each person uses the workbook, and every StoreOps function.

The function list is generated from each function's spec (:data:`storeops_xl.FUNCTIONS`):
Excel name, parameters (optional ones in brackets), the bilingual summary Excel's Function
Wizard shows and the return format, so it never drifts from the code.
"""

from __future__ import annotations

import storeops_xl

from . import schema

INTRO = (
    "StoreOps XL —— 阿里国际站 / 1688 店铺运营工作簿 / the live workbook for an Alibaba.com or 1688 store",
    "把运营方法做成公式: 目标 → 运营 → 业务 → 管理。黄色格子是输入, 灰色格子是公式, 不要覆盖灰色格子。"
    " / The operating method as formulas: targets → operations → sales → management. "
    "Yellow cells are inputs, grey cells are formulas: do not type over grey cells.",
)

ROLES = (
    (
        "老板 Boss",
        (
            "每年/每月在「目标 Target」填写年度目标(每位业务员)、月份权重、成本(平台费 29,800 元、直通车预算)、优秀同行和行业热品。",
            "Fill 目标 Target once a year / month: annual targets per salesperson, month weights, costs "
            "(platform fee, P4P budget), excellent peers and industry hot products.",
            "看「PK」的得分、排名和目标进度图, 看「买家汇总 Buyers」的本周/本月新老买家、来源和 A/B/C/D 类别。",
            "Read the scores, ranks and target-progress chart on PK, and the weekly/monthly new vs old buyers, "
            "sources and A/B/C/D classes on 买家汇总 Buyers.",
        ),
    ),
    (
        "业务员 Sales",
        (
            "每天下班前更新「跟进 Follow-up」: 新询盘、首次回复时间、阶段、最近联系、下一步、阶段目标、样品单、订单。",
            "Before leaving every day, update 跟进 Follow-up: new inquiries, first reply time, stage, last contact, "
            "next action, next-stage goal, sample and paid orders.",
            "红色「逾期」= 该跟进了; 金色 A = 大B买家; 「诈骗风险」为高时先核实再操作。",
            "Red overdue = follow up now; gold A = big buyer; a 高 (high) scam risk means check before acting.",
        ),
    ),
    (
        "运营 Operator",
        (
            "把数据管家导出导入「漏斗 Funnel」「产品 Products」「关键词 Keywords」: storeops import 文件 --into 工作簿。",
            "Import Data Manager exports into Funnel, Products and Keywords: storeops import FILE --into WORKBOOK.",
            "检查标题分、标题问题、违禁词(红色)、产品星级、爆款候选、换链接建议、机会词和直通车建议。",
            "Check title scores and issues, banned words (red), listing stars, hot candidates, replace-link advice, "
            "opportunity words and P4P actions.",
        ),
    ),
)

RHYTHM = (
    (
        "每周六复盘 Saturday review",
        (
            "每周六: 功能区 StoreOps → 周复盘 Weekly review, 或命令行 storeops review 工作簿.xlsm。"
            "按业务员和团队看新买家、回复及时率、类别变化、逾期跟进、订单与目标、PK 排名。",
            "Every Saturday: ribbon StoreOps → Weekly review, or storeops review WORKBOOK.xlsm — new buyers, timely "
            "replies, class moves, overdue follow-ups, orders vs target and PK rank per salesperson and team.",
        ),
    ),
    (
        "保存即重算 Recalculate on save",
        (
            "在 Excel 中(装有 xlwings)保存时自动重算所有 StoreOps 公式; 没有 Excel 时运行 storeops recalc 工作簿.xlsm"
            " 或 storeops watch 文件夹, 文件里的缓存值就是最新结果, WPS/LibreOffice 也能正确显示。",
            "In Excel with xlwings every save recalculates the StoreOps formulas; without Excel run storeops recalc "
            "WORKBOOK.xlsm or storeops watch FOLDER — the file then carries up-to-date cached values that WPS and "
            "LibreOffice show correctly.",
            "设置在「设置 Settings」(名称 cfg_*), 公式直接引用这些名称, 修改后会自动重算。统计日期 cfg_as_of 留空 = 今天。",
            "Thresholds live on 设置 Settings as named cells cfg_*; formulas use them by name, so a change recalculates. "
            "Leave cfg_as_of blank to use today's date.",
        ),
    ),
)


def function_rows() -> list[tuple[str, str, str]]:
    """``(name, parameters, description)`` for every function, from its spec (``storeops_xl.FUNCTIONS``)."""
    rows = []
    for name in sorted(storeops_xl.FUNCTIONS):
        spec = storeops_xl.FUNCTIONS[name]
        params = spec.signature[len(name) + 1 : -1]
        rows.append((name, params, f"{spec.summary} → {spec.returns}"))
    return rows


def write_guide(ws, st) -> None:
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 90)
    ws.write_string(0, 0, INTRO[0], st.title)
    ws.write_string(1, 0, INTRO[1], st.subtitle)
    r = 3
    for head, lines in ROLES + RHYTHM:
        ws.merge_range(r, 0, r, 2, head, st.guide_head)
        r += 1
        for line in lines:
            ws.write_string(r, 1, line, st.plain)
            r += 1
        r += 1
    ws.merge_range(r, 0, r, 2, "工作表 Sheets", st.guide_head)
    r += 1
    for sheet in schema.SHEETS:
        ws.write_string(r, 0, sheet.name, st.bold)
        ws.write_string(r, 1, sheet.purpose, st.plain)
        if sheet.tables:
            ws.write_string(r, 2, "表格 Tables: " + ", ".join(sheet.tables), st.plain)
        r += 1
    r += 1
    # the judgement rules (weights, thresholds, samples), written from the core's own constants
    from storeops_xl.guide_rules import guide_rules

    ws.merge_range(r, 0, r, 2, "规则与阈值 Rules and thresholds (设置 Settings 可改 cfg_*)", st.guide_head)
    r += 1
    for head, rule_lines in guide_rules():
        ws.write_string(r, 0, head, st.bold)
        for line in rule_lines:
            ws.write_string(r, 1, line, st.plain)
            r += 1
    r += 1
    ws.merge_range(r, 0, r, 2, "函数 Functions (storeops_xl.FUNCTIONS; 详见 docs/functions.md)", st.guide_head)
    r += 1
    for j, h in enumerate(("函数 Function", "参数 Parameters ([ ] = 可选 optional)", "说明 Description")):
        ws.write_string(r, j, h, st.header("formula"))
    r += 1
    for name, params, desc in function_rows():
        ws.write_string(r, 0, name, st.bold)
        ws.write_string(r, 1, params, st.code)
        ws.write_string(r, 2, desc, st.text)
        r += 1
