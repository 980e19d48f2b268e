"""`storeops check` rules on frames: each planted bad row is listed, nothing else."""

import pandas as pd

from storeops.check import check_frames, format_problems
from storeops.tables import to_headers

SP = pd.DataFrame({"salesperson": ["小王", "Amy"], "team": ["狼队", "虎队"]})


def _follow(**over):
    base = {
        "buyer": "Bob",
        "source": "TM",
        "channel": "TM",
        "salesperson": "小王",
        "received_at": "2026-11-03 09:00",
        "replied_at": "2026-11-03 09:30",
        "stage": "新询盘 New",
        "next_action": "send quote",
        "platform_orders": 1,
    }
    base.update(over)
    return base


def test_good_rows_are_clean():
    f = pd.DataFrame([_follow(), _follow(buyer="Ann", salesperson="amy ")])
    assert check_frames({"tblFollow": f, "tblSalespeople": SP}) == []


def test_each_planted_problem_listed_once():
    rows = [
        _follow(),  # row 5 fine
        _follow(buyer="B1", platform_orders="abc"),  # 6 not a number
        _follow(buyer="B2", received_at="2026-02-30"),  # 7 impossible date
        _follow(buyer="B3", platform_orders=-1),  # 8 negative
        _follow(buyer="B4", replied_at="2026-11-02 09:00"),  # 9 reply before receipt
        _follow(buyer="B5", salesperson="Ghost"),  # 10 unknown salesperson
        _follow(buyer="B6", next_action=None),  # 11 open buyer without next action
        _follow(buyer="B7", stage="流失 Lost", next_action=None),  # 12 closed: fine
        _follow(buyer=None),  # 13 required blank
        {k: None for k in _follow()},  # 14 empty row: skipped
    ]
    problems = check_frames({"tblFollow": to_headers("tblFollow", pd.DataFrame(rows)), "tblSalespeople": SP})
    got = [(p.row, p.reason.split(" / ")[0]) for p in problems]
    assert got == [
        (6, "不是数字"),
        (7, "不是有效日期"),
        (8, "不能为负数"),
        (9, "回复早于收到时间"),
        (10, "未知业务员(不在设置表)"),
        (11, "未结束的买家缺少下一步"),
        (13, "必填列为空"),
    ]
    assert all(p.sheet == "跟进 Follow-up" for p in problems)
    assert "Ghost" in problems[4].reason and "unknown salesperson" in problems[4].reason
    assert "7 problem" in format_problems(problems)


def test_clicks_above_impressions_only_flags_the_impossible():
    f = pd.DataFrame(
        {
            "period": ["w"] * 3,
            "item": ["a", "b", "c"],
            "impressions": [10, 10, None],
            "clicks": [10, 11, 3],
            "visitors": [50, 1, 1],
        }
    )  # visitors > clicks is possible
    problems = check_frames({"tblFunnel": f})
    assert [(p.row, p.column) for p in problems] == [(9, "点击 Clicks")]


def test_closed_stage_is_the_core_rule():
    """A stage NEXT_FOLLOWUP treats as closed needs no next action in check either (typed
    by hand: ``lost``, ``流失``, ``骗子``); before, check knew only the two drop-down labels."""
    from storeops_xl import next_followup

    typed = ["lost", "流失", "骗子 scam", "invalid", "搁置"]
    rows = [_follow(buyer=f"B{i}", stage=s, next_action=None) for i, s in enumerate(typed)]
    rows.append(_follow(buyer="open", stage="报价", next_action=None))
    problems = check_frames({"tblFollow": to_headers("tblFollow", pd.DataFrame(rows)), "tblSalespeople": SP})
    assert [p.row for p in problems] == [5 + len(typed)]
    assert all(next_followup("2026-11-03", "A", s) is None for s in typed)
    assert next_followup("2026-11-03", "A", "报价") is not None
