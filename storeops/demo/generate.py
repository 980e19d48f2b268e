"""A seeded demo store: pet supplies (collars 项圈, harnesses 胸背带, leashes 牵引绳).

:func:`demo_frames` returns one DataFrame per workbook table (columns are the schema's
column keys): a quarter of follow-ups for 3 salespeople in 2 teams, annual targets, month
weights, costs, peers, hot products, products with real-looking Alibaba.com titles (some
with the problems the title checks catch), weekly funnel rows per product, keywords with
indices and P4P figures.  Generation is vectorised with numpy, so the SPEC §9 reference
size (100,000 follow-ups, 2,000 products × 25 weeks, 500 keywords) takes seconds.

The same ``(as_of, seed, sizes)`` always gives the same frames.

Examples
--------
>>> from datetime import date
>>> frames = demo_frames(date(2026, 11, 21), buyers=40, products=12, funnel_weeks=2, keywords=10)
>>> len(frames["tblFollow"]), len(frames["tblFunnel"]), len(frames["tblSalespeople"])
(40, 24, 3)
>>> bool(frames["tblOrders"]["buyer_id"].isin(frames["tblFollow"]["buyer_id"]).all())
True
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from storeops.workbook import schema

__all__ = ["DEMO_AS_OF", "SALESPEOPLE", "demo_frames", "demo_settings"]

#: the demo's fixed "today": a Saturday (the weekly review day)
DEMO_AS_OF = date(2026, 11, 21)

#: (salesperson, team, skill): skill shifts reply speed and buyer quality
SALESPEOPLE = (
    ("王芳 Wang Fang", "狼队 Wolves", 1.25),
    ("李强 Li Qiang", "狼队 Wolves", 1.0),
    ("张敏 Zhang Min", "鹰队 Eagles", 0.8),
)
#: sales pace each salesperson is set up to show (ahead / normal / behind)
_PACES = (1.15, 0.97, 0.72)

SOURCES = schema.LISTS["source"]
_SOURCE_P = np.array([0.40, 0.22, 0.12, 0.07, 0.06, 0.04, 0.03, 0.06])

FIRST = (
    "John",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Lucas",
    "Mia",
    "Ethan",
    "Sofia",
    "Mateo",
    "Chloe",
    "Ahmed",
    "Fatima",
    "Yuki",
    "Hana",
    "Carlos",
    "Lucia",
    "Pierre",
    "Camille",
    "Jonas",
    "Lena",
    "Raj",
    "Priya",
)
LAST = (
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Miller",
    "Davis",
    "Martin",
    "Bernard",
    "Müller",
    "Schmidt",
    "Rossi",
    "Silva",
    "Tanaka",
    "Kim",
    "Khan",
    "Nguyen",
    "Novak",
    "Jensen",
    "Cohen",
    "Lopez",
)
COMPANY_TAIL = (
    "Pet Supplies LLC",
    "Pets GmbH",
    "Pet Store",
    "Trading Co.",
    "Outdoor Dogs Ltd",
    "Pet Boutique",
    "Import & Export",
    "Wholesale Pets Inc.",
    "E-commerce Shop",
    "Dog Gear Co.",
)
COUNTRIES = (
    "美国 US",
    "英国 UK",
    "德国 DE",
    "法国 FR",
    "澳大利亚 AU",
    "加拿大 CA",
    "巴西 BR",
    "阿联酋 AE",
    "日本 JP",
    "韩国 KR",
    "波兰 PL",
    "西班牙 ES",
)
_COUNTRY_P = np.array([0.30, 0.12, 0.11, 0.07, 0.08, 0.08, 0.05, 0.04, 0.04, 0.03, 0.04, 0.04])

NORMAL_MESSAGES = (
    "Please send me the price list for the nylon dog collars, MOQ 500.",
    "Can you print our logo on the harness? We need 1,000 pcs in 3 colours.",
    "We received the samples, quality is good. Waiting for our boss to confirm.",
    "What is the lead time for 2,000 retractable leashes?",
    "请报一下反光胸背带的 FOB 价格, 数量 800 件。",
    "Can you do DDP shipping to Los Angeles?",
    "Thanks, the order arrived. We will reorder next month.",
    "Do you have CE / REACH test reports for the LED collar?",
    "样品已收到, 颜色有点偏, 能否调整?",
    "+1 415 555 0199 is my WhatsApp, please call tomorrow.",
    "=We need a quote for padded harness XS-XL",
    "Price is a bit high, can you give 5% discount for 3,000 pcs?",
)
SCAM_MESSAGES = (
    "I cannot place the order, please close the order so I can change the address.",
    "Please pay more and refund the difference to my agent account.",
    "My account is frozen, add my QQ 28837461 to unfreeze the account and pay.",
    "我下不了单, 你先关闭订单我改一下地址。",
    "多付的钱请你退差价给我, 我朋友会转给你。",
    "账户被冻结了, 加我微信 wx_pet88 帮我解冻, 然后付款。",
    "I cannot pay on Alibaba, add my WeChat and I send money by another way.",
)
NEXT_ACTIONS = (
    "发报价 Send quote",
    "寄样品 Send sample",
    "跟进样品反馈 Ask sample feedback",
    "催付款 Chase payment",
    "发新品目录 Send new catalogue",
    "视频会议 Video call",
    "确认大货细节 Confirm bulk details",
    "节日问候 Holiday greeting",
)
GOALS = (
    "拿下胸背带订单 Win their harness order too",
    "样品转大货 Turn samples into a bulk order",
    "拿到年度框架协议 Get an annual contract",
    "把复购提高到每月一次 Reorder monthly",
    "引入牵引绳新品 Add our new leash line",
    "拿下欧洲仓订单 Win their EU warehouse order",
)

# products --------------------------------------------------------------------------
CORES = (
    ("Dog Collar", "dog collar"),
    ("Dog Harness", "dog harness"),
    ("Dog Leash", "dog leash"),
    ("Cat Collar", "cat collar"),
    ("Pet Harness", "pet harness"),
    ("Retractable Dog Leash", "retractable dog leash"),
    ("Martingale Collar", "martingale collar"),
    ("Dog Leash Set", "dog leash set"),
)
MODIFIERS = (
    "Custom Logo",
    "Reflective",
    "Nylon",
    "Genuine Leather",
    "Padded",
    "No Pull",
    "LED Light Up",
    "Adjustable",
    "Waterproof",
    "Personalized",
    "Heavy Duty",
    "Breathable Mesh",
    "Rope",
    "Quick Release",
    "Soft",
    "Luxury",
    "Eco Friendly",
    "Tactical",
    "Bamboo Fiber",
    "Rhinestone",
)
TAILS = (
    "for Small Medium Large Dogs",
    "for Puppies",
    "for Outdoor Walking",
    "With Metal Buckle",
    "With D Ring",
    "for Pet Shop Wholesale",
    "With Quick Release Buckle",
    "for Training",
)
#: (problem, how to spoil a clean title)
PROBLEMS = ("brand", "absolute", "too_long", "stuffing", "lower_case", "symbols", "custom_banned", "core_last")
#: other companies' brands in the shop's search traffic (pet-supply brands)
BRAND_KEYWORDS = ("julius k9 dog harness", "ruffwear harness")
KW_SUFFIX = ("", " wholesale", " custom logo", " manufacturer", " for small dogs", " for large dogs", " bulk")
PEERS = (
    (
        "Qingdao Pawfect Pet Products",
        5,
        "狗项圈, 胸背带 collars, harnesses",
        "dog collar; no pull harness",
        "主图白底+场景图, 详情页先讲材质测试 / white-background main image + scene, detail page leads with material tests",
    ),
    (
        "Yiwu Happy Tail Co.",
        4,
        "牵引绳, 自动伸缩绳 leashes",
        "retractable dog leash; rope leash",
        "每周上新 10 款, 标题核心词靠前 / 10 new listings a week, core word first in titles",
    ),
    (
        "Shenzhen Furry Friends",
        4,
        "LED 发光项圈 LED collars",
        "led dog collar; light up collar",
        "RFQ 每天报价 20 条, 回复 1 小时内 / 20 RFQ quotes a day, replies within 1 hour",
    ),
)
HOT = (
    (
        "GPS 定位项圈 GPS dog collar",
        "趋势 Trend",
        "关键词指数 +85% 环比 / keyword index +85% MoM",
        "3 找词 Find keywords",
        "",
    ),
    (
        "免拉胸背带 No pull harness",
        "热销 Hot seller",
        "Top10 同行都在推 / all Top10 peers promote it",
        "5 推广 Promote",
        "主推款 lead product",
    ),
    ("宠物安全带 Car seat belt leash", "蓝海 Blue ocean", "卖家规模指数 6 / seller index 6", "2 找品 Find product", ""),
    ("反光雨衣 Reflective dog raincoat", "周边 Related", "秋冬季节词 / autumn-winter term", "1 市场调研 Research", ""),
)


def _period_text(start: date) -> str:
    return f"{start:%Y-%m-%d}~{start + timedelta(days=6):%Y-%m-%d}"


def _pick(rng: np.random.Generator, values, n: int, p=None) -> np.ndarray:
    idx = rng.choice(len(values), size=n, p=p)
    return np.asarray(values, dtype=object)[idx]


def _clean_titles(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    core = rng.integers(0, len(CORES), n)
    m1 = rng.integers(0, len(MODIFIERS), n)
    m2 = (m1 + rng.integers(1, len(MODIFIERS), n)) % len(MODIFIERS)
    tail = rng.integers(0, len(TAILS), n)
    titles, keywords = [], []
    for c, a, b, t in zip(core, m1, m2, tail):
        word, kw = CORES[c]
        titles.append(f"{MODIFIERS[a]} {MODIFIERS[b]} {word} {TAILS[t]}")
        keywords.append(f"{kw}, {MODIFIERS[a].lower()} {kw}, {MODIFIERS[b].lower()} {kw}")
    return titles, keywords


def _spoil(title: str, kw: str, problem: str) -> str:
    core = kw.split(",")[0]
    if problem == "brand":
        return "Gucci Style " + title
    if problem == "absolute":
        return "Best " + title
    if problem == "too_long":
        return (
            title
            + " Durable Comfortable Stylish Fashion Cute Pattern Soft Padded Breathable Adjustable Many Colors Sizes OEM ODM Factory"
        )
    if problem == "stuffing":
        return f"{title} {core.title()} {core.title()} {core.title()}"
    if problem == "lower_case":
        return title.lower()
    if problem == "symbols":
        return "★Hot Sale★ " + title + " !!! #1"
    if problem == "custom_banned":
        return "Indestructible " + title
    # core word after the "for/with" clause
    for joint in (" for ", " With "):
        if joint in title:
            head, clause = title.split(joint, 1)
            return f"{joint.strip().title()} {clause} {head}"
    return title


def _products(rng: np.random.Generator, n: int, weeks: int, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    titles, keywords = _clean_titles(rng, n)
    problem = np.full(n, "", dtype=object)
    spoiled = rng.random(n) < 0.22
    spoiled[: min(n, len(PROBLEMS))] = True  # every kind of problem at least once
    kinds = np.resize(np.asarray(PROBLEMS, dtype=object), n)
    for i in np.flatnonzero(spoiled):
        problem[i] = kinds[i]
        titles[i] = _spoil(titles[i], keywords[i], kinds[i])
    ids = (1_600_000_000_000 + rng.choice(900_000_000, size=n, replace=False) * 7 + 13).astype(np.int64)
    # traffic profile per product
    base_impr = np.round(rng.lognormal(np.log(900), 0.9, n))
    zero = rng.random(n) < 0.06  # zero-effect products (new or dead links)
    base_impr[zero] = 0
    ctr = np.clip(rng.lognormal(np.log(0.018), 0.45, n), 0.002, 0.12)
    weak_image = rng.random(n) < 0.12
    ctr[weak_image] *= 0.25  # poor main image → low CTR (diagnosis names it)
    bounce_p = np.clip(rng.normal(0.55, 0.1, n), 0.2, 0.92)
    inq_p = np.clip(rng.lognormal(np.log(0.04), 0.5, n), 0.002, 0.3)
    bad_detail = rng.random(n) < 0.1
    inq_p[bad_detail] *= 0.2
    order_p = np.clip(rng.normal(0.12, 0.06, n), 0.0, 0.5)
    order_p[rng.random(n) < 0.1] = 0.0  # inquiries without orders
    cpc = np.round(rng.uniform(0.25, 1.6, n), 2)
    on_p4p = rng.random(n) < 0.55

    # weekly funnel (vectorised over products × weeks)
    starts = [as_of - timedelta(days=as_of.weekday() + 7 * (weeks - w)) for w in range(weeks)]
    p = np.repeat(np.arange(n), weeks)
    w = np.tile(np.arange(weeks), n)
    season = 0.85 + 0.3 * (w / max(weeks - 1, 1))
    impr = rng.poisson(base_impr[p] * season / 4.0)
    clicks = rng.binomial(impr, ctr[p])
    visitors = rng.binomial(clicks, 0.85) + rng.binomial(clicks // 4, 0.3)  # a few come from other pages
    bounced = rng.binomial(visitors, bounce_p[p])
    inquiries = rng.binomial(visitors, inq_p[p])
    tm = rng.binomial(visitors, 0.02)
    orders = rng.binomial(inquiries, order_p[p])
    p4p_cost = np.where(on_p4p[p], np.round(clicks * 0.6 * cpc[p], 2), 0.0)
    funnel = pd.DataFrame(
        {
            "period": [_period_text(starts[i]) for i in w],
            "period_start": pd.to_datetime([starts[i] for i in w]),
            "kind": "产品 Product",
            "item": ids[p].astype(str),
            "impressions": impr,
            "clicks": clicks,
            "visitors": visitors,
            "bounced": bounced,
            "inquiries": inquiries,
            "tm": tm,
            "orders": orders,
            "p4p_cost": p4p_cost,
        }
    )
    tot = funnel.groupby(p)[["impressions", "clicks", "visitors", "inquiries"]].sum()
    rounds = rng.integers(0, 6, n)
    before = np.round(rng.uniform(1, 12, n))
    after = np.where(rng.random(n) < 0.5, before - rng.integers(0, 3, n), before + rng.integers(1, 6, n))
    after = np.where(rounds == 0, np.nan, np.maximum(after, 0))
    before = np.where(rounds == 0, np.nan, before)
    products = pd.DataFrame(
        {
            "product_id": ids.astype(str),
            "title": titles,
            "keywords": keywords,
            "main_images": rng.choice([3, 4, 5, 5, 6, 6, 8], n),
            "detail_images": rng.choice([4, 6, 8, 10, 12, 15, 20], n),
            "description_chars": rng.choice([180, 320, 480, 520, 760, 1200, 1800], n),
            "rounds": rounds,
            "before_metric": before,
            "after_metric": after,
            "step": _pick(rng, schema.LISTS["pipeline"], n),
            "period": f"{starts[0]:%Y-%m-%d}~{starts[-1] + timedelta(days=6):%Y-%m-%d}",
            "impressions": tot["impressions"].to_numpy(),
            "clicks": tot["clicks"].to_numpy(),
            "visitors": tot["visitors"].to_numpy(),
            "inquiries": tot["inquiries"].to_numpy(),
        }
    )
    products.attrs["problems"] = problem
    return products, funnel


def _keywords(rng: np.random.Generator, n: int, as_of: date) -> pd.DataFrame:
    combos = [f"{m.lower()} {kw}{s}" for s in KW_SUFFIX for kw in (c[1] for c in CORES) for m in MODIFIERS]
    combos = [kw for _, kw in CORES] + combos
    if n > len(combos):
        combos += [f"{c} {i}" for i, c in enumerate(combos * (n // len(combos) + 1))][: n - len(combos)]
    order = np.concatenate([np.arange(len(CORES)), len(CORES) + rng.permutation(len(combos) - len(CORES))])
    words = np.asarray(combos, dtype=object)[order[:n]]
    kw_index = np.round(rng.lognormal(np.log(120), 1.0, n))
    seller = np.round(rng.lognormal(np.log(25), 0.8, n))
    opp = rng.random(n) < 0.12
    kw_index[opp] = np.round(rng.uniform(220, 900, opp.sum()))
    seller[opp] = rng.integers(2, 10, opp.sum())
    # buyers also search other brands (as in the real export: "nike shoes"): high demand, few
    # sellers — they look like opportunity words, but a brand keyword must not be used
    for j, brand in zip(range(len(CORES) + 1, n, 7), BRAND_KEYWORDS):
        words[j], kw_index[j], seller[j], opp[j] = brand, 640.0, 3.0, True
    kw_type = np.where(
        np.arange(n) < len(CORES),
        "核心词 Core",
        np.where(kw_index > 400, "热词 Hot", np.where(opp, "潜力词 Potential", "核心词 Core")),
    )
    impr = rng.poisson(kw_index * rng.uniform(1, 12, n))
    clicks = rng.binomial(impr, np.clip(rng.lognormal(np.log(0.015), 0.5, n), 0.001, 0.2))
    top10_impr = np.round(impr * rng.uniform(1.5, 6, n) + 50)
    top10_clicks = np.round(top10_impr * np.clip(rng.lognormal(np.log(0.02), 0.3, n), 0.002, 0.2))
    on = rng.random(n) < 0.6
    p4p_clicks = np.where(on, rng.poisson(60, n), 0)
    bid = np.round(rng.uniform(0.3, 2.2, n), 2)
    p4p_cost = np.round(p4p_clicks * bid * 0.8, 2)
    p4p_inq = rng.binomial(p4p_clicks, np.clip(rng.lognormal(np.log(0.03), 0.8, n), 0, 0.3))
    p4p_orders = rng.binomial(p4p_inq, 0.15)
    start = as_of - timedelta(days=as_of.weekday() + 7)
    return pd.DataFrame(
        {
            "keyword": words,
            "type": kw_type,
            "period": _period_text(start),
            "impressions": impr,
            "clicks": clicks,
            "keyword_index": kw_index,
            "seller_index": seller,
            "top10_impressions": top10_impr,
            "top10_clicks": top10_clicks,
            "p4p_bid": np.where(on, bid, np.nan),
            "p4p_cost": np.where(on, p4p_cost, np.nan),
            "p4p_clicks": np.where(on, p4p_clicks, np.nan),
            "p4p_inquiries": np.where(on, p4p_inq, np.nan),
            "p4p_orders": np.where(on, p4p_orders, np.nan),
        }
    )


#: the demo's month weights (淡旺季 seasonality, Jan … Dec): pet gear sells towards the year's end
SEASON_WEIGHTS = (0.05, 0.04, 0.07, 0.08, 0.08, 0.07, 0.08, 0.10, 0.11, 0.12, 0.11, 0.09)


def _seasonal_ages(u: np.ndarray, as_of: date) -> np.ndarray:
    """Ages in days (0 = the as-of day) of buyers spread over the year before ``as_of`` by the
    month weights: ``u`` uniform in [0, 1) through the inverse of that distribution."""
    days = pd.date_range(end=pd.Timestamp(as_of), periods=365, freq="D")
    w = np.asarray(SEASON_WEIGHTS)[np.asarray(days.month) - 1] / np.asarray(days.days_in_month)
    cdf = np.cumsum(w[::-1]) / w.sum()  # from the as-of day backwards
    idx = np.minimum(np.searchsorted(cdf, u), 364)
    return idx + (u * 9973.0) % 1.0  # a time of day inside that day


def _followups(rng: np.random.Generator, n: int, as_of: date) -> pd.DataFrame:
    sp_idx = rng.choice(len(SALESPEOPLE), size=n, p=[0.36, 0.34, 0.30])
    skill = np.array([s[2] for s in SALESPEOPLE])[sp_idx]
    end = pd.Timestamp(as_of) + pd.Timedelta(hours=18)
    # a year of buyers, more in the busy months (the month weights the boss sets, SEASON_WEIGHTS);
    # the last few days always have some (unanswered ones among them)
    age_days = _seasonal_ages(rng.random(n), as_of)
    fresh = rng.uniform(0, 91, n) < 3.0
    age_days = np.where(fresh, rng.uniform(91, 300, n) % 3.0, age_days)
    received = end - pd.to_timedelta(np.round(age_days * 24 * 60), unit="min")
    received = received.floor("min")
    source = _pick(rng, SOURCES, n, _SOURCE_P / _SOURCE_P.sum())
    channel = np.where(source == "TM", "TM", "询盘 Inquiry")
    # reply times: TM mostly within the hour, inquiries mostly within a day
    tm = channel == "TM"
    hours = np.where(tm, rng.lognormal(np.log(0.35), 1.0, n), rng.lognormal(np.log(5.0), 1.1, n)) / skill
    unreplied = (rng.random(n) < 0.6) & (age_days < 3)
    replied = received + pd.to_timedelta(np.round(hours * 60), unit="min")
    replied = pd.Series(replied).where(~unreplied)
    # classes A/B/C/D by skill
    u = rng.random(n) / skill
    cls = np.select([u < 0.08, u < 0.30, u < 0.48], ["A", "B", "C"], "D")
    paid = np.select([cls == "A", cls == "B"], [rng.integers(1, 7, n), rng.integers(1, 3, n)], 0)
    a_by_usd = (cls == "A") & (rng.random(n) < 0.7)
    usd = np.select(
        [a_by_usd, cls == "A", cls == "B"],
        [
            np.round(rng.uniform(10_000, 48_000, n), -1),
            np.round(rng.uniform(3_000, 9_800, n), -1),
            np.round(rng.uniform(300, 8_000, n), -1),
        ],
        0.0,  # C buyers took samples only (counted in sample_orders), D bought nothing
    )
    paid = np.where((cls == "A") & ~a_by_usd, np.maximum(paid, 3), paid)
    samples = np.select([cls == "C", cls != "D"], [rng.integers(1, 3, n), rng.integers(0, 2, n)], 0)
    stage = np.select(
        [cls == "A", cls == "B", cls == "C"],
        [
            _pick(rng, ("成交 Won", "复购 Repeat", "复购 Repeat"), n),
            _pick(rng, ("成交 Won", "复购 Repeat"), n),
            _pick(rng, ("样品 Sample",), n),
        ],
        _pick(
            rng, ("新询盘 New", "已报价 Quoted", "已报价 Quoted", "谈判 Negotiating", "搁置 On hold", "流失 Lost"), n
        ),
    )
    cadence = np.select([cls == "A", cls == "B", cls == "C"], [7, 14, 5], 3)
    late = rng.random(n) < 0.14 / skill
    since = np.where(late, cadence + rng.integers(1, 15, n), rng.integers(0, 1, n) + np.floor(rng.random(n) * cadence))
    today = pd.Timestamp(as_of)
    contacted = today - pd.to_timedelta(since, unit="D")
    last = pd.to_datetime(pd.Series(np.maximum(contacted.to_numpy(), received.normalize().to_numpy())))  # datetimes
    prev = np.array(["A", "B", "C", "D"])
    rng.random(n)  # (was: last week's class; now computed from the dated orders)
    scam = rng.random(n) < 0.03
    scam[: min(n, 3)] = True
    msgs = np.where(scam, _pick(rng, SCAM_MESSAGES, n), _pick(rng, NORMAL_MESSAGES, n))
    first = _pick(rng, FIRST, n)
    lastn = _pick(rng, LAST, n)
    buyer = [f"{a} {b}" for a, b in zip(first, lastn)]
    company = _unique_companies([f"{b} {t}" for b, t in zip(lastn, _pick(rng, COMPANY_TAIL, n))])
    closed = np.isin(stage, schema.CLOSED_STAGES)
    del prev
    frame = pd.DataFrame(
        {
            "buyer": buyer,
            "company": company,
            "country": _pick(rng, COUNTRIES, n, _COUNTRY_P / _COUNTRY_P.sum()),
            "source": source,
            "channel": channel,
            "salesperson": np.array([s[0] for s in SALESPEOPLE], dtype=object)[sp_idx],
            "received_at": pd.Series(received),
            "replied_at": replied,
            "stage": stage,
            "last_contact": last,
            "next_action": np.where(closed, "", _pick(rng, NEXT_ACTIONS, n)),
            "goal": np.where(cls != "D", _pick(rng, GOALS, n), ""),
            "goal_met": np.where(cls != "D", _pick(rng, ("是 Yes", "否 No", "否 No"), n), ""),
            "sample_orders": samples,  # the plan: demo_orders writes the dated orders behind it
            "paid_orders": paid,
            "order_usd": usd,
            "last_message": msgs,
            "updated_at": last + pd.to_timedelta(rng.integers(9 * 60, 19 * 60, n), unit="min"),
            **_contacts(buyer, company, source),
        }
    )
    return _team_loop(frame, as_of)


#: cities that tell apart two demo companies that would otherwise print the same
CITIES = ("Austin", "Leeds", "Hamburg", "Lyon", "Perth", "Calgary", "Porto Alegre", "Dubai", "Osaka", "Busan")


def _unique_companies(names: list[str]) -> list[str]:
    """Every demo company distinct (a city added to a repeated name): only the planted
    撞单 pairs share a company."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        out.append(name if k == 0 else f"{name} {CITIES[(k - 1) % len(CITIES)]}")
    return out


def _team_loop(frame: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """What the daily team loop shows in the demo, with no new random draws (the rest of the
    demo is unchanged):

    * two 撞单 clashes: the same buyer at the same company with two salespeople, and a
      colleague of a buyer's company writing to another salesperson;
    * 张敏 has not submitted since the last working day (her latest update is two days
      before the as-of date), the others have;
    * every row has its buyer ID and the sync mark of a master that was just merged, so
      copies and ``split`` pieces of the demo merge back cleanly.
    """
    from storeops.buyer_ids import assign_ids
    from storeops.merge import fingerprint, make_mark

    f = frame.copy()
    sp = f["salesperson"].to_numpy()
    for a in (0, 1):  # the first rows of two different salespeople get planted partners
        b = next(i for i in range(len(f) - 1, a, -1) if sp[i] != sp[a])
        f.at[b, "company"] = str(f.at[a, "company"])  # demo names are text
        if a == 0:
            f.at[b, "buyer"] = str(f.at[a, "buyer"])
    late = SALESPEOPLE[2][0]
    cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=2)
    mine = (f["salesperson"] == late) & (f["last_contact"] > cutoff)
    f.loc[mine, "last_contact"] = cutoff
    f.loc[mine, "updated_at"] = cutoff + pd.Timedelta(hours=17, minutes=30)
    f["buyer_id"] = assign_ids(f)
    f["sync_mark"] = [make_mark(fingerprint(r)) for r in f.to_dict("records")]
    return f


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum()).lower()


def _contacts(buyer: list[str], company: list[str], source: np.ndarray) -> dict[str, list]:
    """Platform inquiry IDs and contact details, derived from the row (no random draws, so the
    rest of the demo is unchanged): an inquiry ID for buyers who came by inquiry, an e-mail
    for four buyers in five, a mobile number for one in three, WhatsApp for one in four."""
    n = len(buyer)
    ids, emails, phones, whatsapp = [], [], [], []
    for i in range(n):
        first, last = (buyer[i].split(" ", 1) + [""])[:2]
        domain = _ascii(company[i].split(" ", 1)[-1]) or "example"
        ids.append(str(11_000_000_000 + 7_919 * i) if source[i] == SOURCES[0] else None)
        emails.append(f"{_ascii(first)}.{_ascii(last)}@{_ascii(last)}{domain}.com" if i % 5 else None)
        phones.append(f"+1 415 555 {1000 + (i * 37) % 9000:04d}" if i % 3 == 0 else None)
        whatsapp.append(f"+44 7700 9{(i * 53) % 100000:05d}" if i % 4 == 1 else None)
    return {"inquiry_id": ids, "email": emails, "phone": phones, "whatsapp": whatsapp}


def demo_frames(
    as_of: date = DEMO_AS_OF,
    *,
    seed: int = 7,
    buyers: int = 300,
    products: int = 60,
    funnel_weeks: int = 13,
    keywords: int = 80,
) -> dict[str, pd.DataFrame]:
    """Tables of the demo pet-supplies store, as of ``as_of``.

    Parameters
    ----------
    as_of : date
        The demo's "today" (also put in ``cfg_as_of`` by :func:`demo_settings`).
    seed : int
        Random seed; the same arguments give the same frames.
    buyers, products, funnel_weeks, keywords : int
        Sizes: follow-up rows, product rows (funnel rows = products × funnel_weeks),
        keyword rows.

    Returns
    -------
    dict of table name → DataFrame whose columns are the table's input column keys.
    """
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    rng = np.random.default_rng(seed)
    plan = _followups(rng, buyers, as_of)
    prods, funnel = _products(rng, products, funnel_weeks, as_of)
    kws = _keywords(rng, keywords, as_of)

    from . import orders as O

    dated = np.random.default_rng(seed + 1)  # a stream of its own: the draws above are unchanged
    plan["buyer_id"] = O.buyer_ids(len(plan))
    orders = O.demo_orders(dated, plan, prods, as_of)
    follow = O.demo_goals(dated, plan.drop(columns=["sample_orders", "paid_orders", "order_usd"]), as_of)
    funnel = O.funnel_orders(funnel, orders)
    kws = O.align_keyword_spend(kws, funnel)

    names = [s[0] for s in SALESPEOPLE]
    teams = [s[1] for s in SALESPEOPLE]
    weights = list(SEASON_WEIGHTS)
    target_rows = _targets(follow, orders, names, weights, as_of)
    return {
        "tblSalespeople": pd.DataFrame({"salesperson": names, "team": teams, "active": "是 Yes"}),
        "tblBannedWords": pd.DataFrame(
            {
                "word": ["indestructible", "万能", "lifetime warranty"],
                "group": ["虚假宣传 Misleading", "绝对化用语 Absolute", "虚假宣传 Misleading"],
                "note": [
                    "买家投诉过 / buyers complained",
                    "广告法 / advertising law",
                    "我们不提供 / we do not offer it",
                ],
            }
        ),
        "tblTarget": pd.DataFrame(target_rows),
        "tblSeason": pd.DataFrame({"month": range(1, 13), "weight": weights}),
        "tblCost": pd.DataFrame(
            {
                "item": [
                    "国际站年费 Alibaba.com membership",
                    "直通车 P4P",
                    "样品与快递 Samples & courier",
                    "展会 Trade show (Q4)",
                ],
                "type": ["平台费 Platform fee", "直通车 P4P", "其他 Other", "展会 Trade show"],
                "amount_cny": [29_800, 20_000, 6_500, 18_000],
            }
        ),
        "tblPeers": pd.DataFrame(PEERS, columns=["store", "stars", "main_products", "top_keywords", "imitate"]),
        "tblHotProducts": pd.DataFrame(HOT, columns=["product", "type", "evidence", "step", "note"]),
        "tblFunnel": funnel,
        "tblFollow": follow,
        "tblOrders": orders,
        # Buyers, PK and Teams rows follow the roster (storeops.roster); only typed inputs are given
        "tblPK": pd.DataFrame({"salesperson": names, "t_timely": 0.9}),
        "tblProducts": prods,
        "tblKeywords": kws,
    }


def _targets(follow: pd.DataFrame, orders: pd.DataFrame, names, weights, as_of: date) -> list[dict]:
    """Annual targets that put each salesperson at their planned pace (``_PACES``) against the
    seasonally weighted target to date, from the year-to-date actuals of the dated data."""
    from storeops_xl.orders import PAID
    from storeops_xl.targets import season_share

    share = float(season_share(date(as_of.year, 1, 1), as_of, weights))
    year_start = pd.Timestamp(as_of.year, 1, 1)
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    counted = orders[(orders["kind"] == PAID) & ~orders["status"].isin(("待付款 Pending", "已取消 Cancelled"))]
    usd = np.where(counted["currency"] == "CNY", counted["amount"] / 7.2, counted["amount"])
    counted = counted.assign(usd=usd)
    ytd = counted[(counted["order_date"] >= year_start) & (counted["order_date"] < end)]
    first = counted.groupby("buyer_id")["order_date"].min()
    ever = counted[counted["order_date"] < end].groupby("buyer_id").size()
    this_year = (follow["received_at"] >= year_start) & (follow["received_at"] < end)
    rows = []
    for name, pace in zip(names, _PACES):
        mine = follow["salesperson"] == name
        ids = follow.loc[mine, "buyer_id"]
        new = int(((first.reindex(ids) >= year_start) & (first.reindex(ids) < end)).sum())
        bought = set(ytd.loc[ytd["buyer_id"].isin(ids), "buyer_id"])
        repeat = int(sum(1 for b in bought if ever.get(b, 0) >= 2))

        def target(actual: float, step: float, p: float = pace) -> float:
            return max(step, round(actual / max(share * p, 1e-9) / step) * step)

        rows.append(
            {
                "salesperson": name,
                "sales_target": target(float(ytd.loc[ytd["salesperson"] == name, "usd"].sum()), 10_000),
                "new_buyers_target": target(new, 5),
                "repeat_buyers_target": target(repeat, 5),
                "inquiries_target": target(int((mine & this_year & (follow["source"] != "RFQ")).sum()), 10),
                "rfq_target": target(int((mine & this_year & (follow["source"] == "RFQ")).sum()), 10),
                "orders_target": target(float((ytd["salesperson"] == name).sum()), 10),
            }
        )
    return rows


def demo_settings(as_of: date = DEMO_AS_OF) -> dict[str, object]:
    """Settings for the demo workbook: a fixed as-of date so the numbers do not drift."""
    return {"cfg_as_of": as_of}
