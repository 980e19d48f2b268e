"""The judgement rules as short bilingual lines for the workbook's 说明 Guide sheet.

Built from the same constants the functions use (title weights and caps, minimum samples,
benchmarks, listing rules, banned-word groups, scam patterns), so the Guide never drifts
from the code.

Examples
--------
>>> heads = [head for head, _ in guide_rules()]
>>> heads[0]
'标题分 Title score (TITLE_SCORE)'
"""

from __future__ import annotations

from .banned import GROUPS
from .banned_context import REASONS
from .funnel_diag import FALLBACK
from .products import LISTING_RULES
from .scam import PATTERNS
from .settings import DEFAULTS
from .titles import FAIL_CAP, WEIGHTS

__all__ = ["guide_rules"]

_PART_NAMES = {
    "length": "长度 length",
    "core": "核心词 core keyword",
    "position": "核心词位置 core position",
    "coverage": "关键词覆盖 coverage",
    "stuffing": "不堆砌 no stuffing",
    "case": "首字母大写 Title Case",
    "symbols": "无特殊符号 no symbols",
    "filler": "无无效词 no filler",
}


def guide_rules() -> list[tuple[str, list[str]]]:
    """(heading, lines) per rule family, for the Guide."""
    d = DEFAULTS
    title = [
        "权重 weights: " + ", ".join(f"{_PART_NAMES[k]} {v}" for k, v in WEIGHTS.items()) + " (= 100).",
        f"长度 length: 国际站 Alibaba.com {d['cfg_title_min']}–{d['cfg_title_max']} 字符 characters "
        f"(cfg_title_min/max); 1688 {d['cfg_title_min_1688']}–{d['cfg_title_max_1688']} 字节 bytes, 汉字算 2 "
        "(a Chinese character counts 2); 短了得 (长度÷下限)² 的分 / shorter earns (length ÷ min)².",
        f"禁用词 = 0 分 / a banned word scores 0; 超过上限、关键词堆砌、不到下限一半 = 最多 {FAIL_CAP:g} 分 "
        f"(低于 cfg_title_good {d['cfg_title_good']}, 产品不会五星) / over the hard limit, stuffing or under half "
        f"the minimum: at most {FAIL_CAP:g}, below cfg_title_good, never five stars.",
        "堆砌 stuffing: 重复词组或一个词 3 次 = 0 分; 同一词在 for/with 之前出现 2 次 = 一半; for/with 从句里再出现一次不算 / "
        "a repeated phrase or a word 3 times scores 0; a word twice before the for/with clause half; once more "
        "inside the clause is fine.",
        "Title Case: 首词和实词大写; 少于 4 个字母的冠词/连词/介词小写 (a, an, the, and, but, or, for, as, at, by, in, "
        "of, to …); With/From 等 4 个字母以上大写; OEM/iPhone 保留 / short articles, conjunctions and prepositions "
        "lower-case unless first, longer ones capitalised, brand casing kept.",
        "没有关键词: 关键词三项记一半分 (最多 75); TITLE_KEYWORDS 从关键词导出猜 / no keywords: the keyword parts "
        "earn half (at most 75); TITLE_KEYWORDS guesses them from the keyword export.",
    ]
    stats = [
        f"最少样本 minimum sample: 曝光 ≥ cfg_min_impressions ({d['cfg_min_impressions']}) 才判断点击率; 访客 ≥ "
        f"cfg_min_visitors ({d['cfg_min_visitors']}) 才判断跳失率、询盘率、转化率、直通车单询盘成本; 否则 "
        "'数据太少 too little data'.",
        f"置信度 confidence cfg_confidence ({d['cfg_confidence']:.0%}): '点击率低'等结论要求 Wilson 区间整体低于基准, "
        "否则可能是偶然 / a 'low' verdict needs the whole Wilson interval below the benchmark.",
        "基准 benchmarks: cfg_bench_* 填了就用 (如数据管家同行平均); 空 = 本店中位数 (样本足够的行, 至少 10 行); 否则 "
        + ", ".join(f"{k} {v:g}" for k, v in FALLBACK.items())
        + " / blank = the shop's median over rows with enough data.",
        "曝光不到基准一半 = 曝光太少 / impressions under half the benchmark are 'few impressions'.",
        "爆款候选 hot candidate: 曝光 ≥ cfg_min_impressions, 点击率和询盘率高于中位数, 曝光低于中位数 / enough "
        "impressions, CTR and inquiry rate above the median, impressions below it.",
    ]
    listing = [
        f"{'1688' if p == '1688' else '国际站 Alibaba.com'}: 主图 main images ≥ {m}, 详情图 detail images ≥ {det}, "
        f"文字 characters ≥ {c}; 每项一星, 全满足且标题合格 = 五星 / one star each, five with a good title."
        for p, (m, det, c) in LISTING_RULES.items()
    ] + [
        f"国际站信息质量分 Alibaba.com quality score (0–5): ≥ cfg_quality_target ({d['cfg_quality_target']}) = 五星, "
        "否则取整 / else rounded down; 标题有禁用词 = 0 星 / a banned word in the title: 0 stars."
    ]
    words = [
        "组 groups: " + "; ".join(GROUPS.values()) + "; 加上 tblBannedWords 自定义 / plus the workbook's own words.",
        "提示 note (不扣分 costs nothing): "
        + "; ".join(REASONS.values())
        + " — 广告法执法指南 (2023) 允许, 平台可能仍拦截 "
        "/ allowed by the 2023 guide, a platform filter may still flag it.",
        "不算违禁: 最近/最后/第一次/第一时间, fake fur, copy paper, dog treats, Hong Kong, cfg_allowed_words (注册商标 "
        "registered trademarks).",
        "关键词含品牌/违禁词: 不是机会词, 直通车暂停 / a brand or banned keyword is never an opportunity word and "
        "P4P says pause.",
    ]
    level = {3: "高", 2: "中", 1: "注意 note"}
    scams = [f"{p.name} ({level[p.points]}): {p.advice}" for p in PATTERNS] + [
        "两个'中'或更多 = 高 / two 中 patterns or more: 高."
    ]
    return [
        ("标题分 Title score (TITLE_SCORE)", title),
        ("数据够不够 Enough data (FUNNEL_DIAG, HOT_CANDIDATE, P4P_ACTION)", stats),
        ("产品星级 Listing stars (LISTING_STARS)", listing),
        ("违禁词 Banned words (BANNED)", words),
        ("防骗 Scam risk (SCAM_RISK, SCAM_ADVICE)", scams),
    ]
