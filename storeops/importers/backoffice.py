"""Back-office exports of Alibaba.com (China time): 询盘明细 inquiries and 客户通 customers.

Both are read by header content (:mod:`.spec`); their rows become Follow-up rows through
:mod:`.follow_upsert`.  Canonical columns (Chinese header / English variants in
:data:`INQUIRY_HEADERS` and :data:`CUSTOMER_HEADERS`):

inquiries (询盘明细 / 导出询盘)
    buyer_name 客户名, buyer_level 买家等级标签, buyer_type 买家类型标签, terminal 询盘来源终端,
    inquiry_type 询盘类型, source 询盘来源, subject 询盘标题, inquiry_id 询盘ID, created_at 创建时间,
    replied_at 最新回复时间, read_at 读取时间, product_id 产品ID, product_title 产品标题,
    product_image 产品图片, product_url 产品链接, salesperson 业务员, registered_on 注册日期,
    country 国家/地区, company 公司名称, website 公司网站, email 邮箱, mobile 手机, phone 电话,
    whatsapp, industry 最常采购行业, product_views 产品浏览数, valid_inquiries 有效询价数,
    replied_inquiries 回复询价数量, valid_rfqs 有效RFQ数, login_days 登录天数, junk_count 垃圾询盘数,
    blacklisted 被加为黑名单数, orders 订单总数, order_amount 订单总金额, suppliers 交易供应商数,
    search_terms 最近搜索词, latest_product 最新询价产品, is_junk 是否垃圾询盘.

customers (客户通)
    company 公司名称, country 所属国家, grade 客户等级, salesperson 业务员, source 客户来源,
    registered_at 注册时间, filed_at 建档时间, contact 联系人, email 邮箱, landline 座机,
    mobile 手机, followed 是否关注, followed_at 关注时间, has_inquiry 有无询盘.

Times without a zone marker are China time (``--tz`` overrides).  Values the platform hides
are written ``客户隐藏``; :func:`known` turns them (and ``"-"``) into ``None`` so a hidden name
is never taken for a name.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .spec import KindSpec
from .timezones import CHINA

__all__ = ["CUSTOMER_HEADERS", "INQUIRY_HEADERS", "SPECS", "is_hidden", "known"]

INQUIRIES, CUSTOMERS = "inquiries", "customers"

#: how the back office writes a value it does not show
HIDDEN = ("客户隐藏", "已隐藏", "隐藏", "hidden", "***", "—", "-", "--", "n/a")

INQUIRY_HEADERS: dict[str, tuple[str, ...]] = {
    "buyer_name": ("客户名", "客户名称", "买家名称", "买家姓名", "买家", "Buyer Name", "Customer Name", "Buyer"),
    "buyer_level": ("买家等级标签", "买家等级", "Buyer Level", "Buyer Grade", "Buyer Level Tag"),
    "buyer_type": ("买家类型标签", "买家类型", "Buyer Type", "Buyer Type Tag"),
    "terminal": ("询盘来源终端", "来源终端", "Source Terminal", "Terminal", "Device"),
    "inquiry_type": ("询盘类型", "Inquiry Type", "Type"),
    "source": ("询盘来源", "Inquiry Source", "Source"),
    "subject": ("询盘标题", "询盘主题", "Subject", "Inquiry Subject", "Inquiry Title"),
    "inquiry_id": ("询盘ID", "询盘编号", "询盘号", "Inquiry ID", "Inquiry No.", "Inquiry No", "Inquiry Number"),
    "created_at": ("创建时间", "询盘时间", "收到时间", "Created Time", "Create Time", "Created", "Received Time"),
    "replied_at": ("最新回复时间", "最近回复时间", "回复时间", "Last Reply Time", "Latest Reply Time", "Reply Time"),
    "read_at": ("读取时间", "阅读时间", "Read Time"),
    "product_id": ("产品ID", "Product ID"),
    "product_title": ("产品标题", "产品名称", "Product Title", "Product Name"),
    "product_image": ("产品图片", "Product Image"),
    "product_url": ("产品链接", "Product URL", "Product Link"),
    "salesperson": ("业务员", "负责人", "跟进人", "Salesperson", "Sales Rep", "Owner"),
    "registered_on": ("注册日期", "注册时间", "Registration Date", "Registered On", "Registered"),
    "country": ("国家/地区", "国家地区", "国家", "Country/Region", "Country"),
    "company": ("公司名称", "公司", "Company Name", "Company"),
    "website": ("公司网站", "网站", "Company Website", "Website"),
    "email": ("邮箱", "电子邮箱", "Email", "E-mail"),
    "mobile": ("手机", "手机号", "Mobile", "Mobile Phone", "Cell Phone"),
    "phone": ("电话", "座机", "Phone", "Telephone", "Tel"),
    "whatsapp": ("WhatsApp", "Whatsapp号码"),
    "industry": ("最常采购行业", "采购行业", "Main Purchasing Industry", "Top Industry"),
    "product_views": ("产品浏览数", "Product Views"),
    "valid_inquiries": ("有效询价数", "Valid Inquiries"),
    "replied_inquiries": ("回复询价数量", "回复询价数", "Replied Inquiries"),
    "valid_rfqs": ("有效RFQ数", "Valid RFQs", "Valid RFQ"),
    "login_days": ("登录天数", "Login Days"),
    "junk_count": ("垃圾询盘数", "Spam Inquiries", "Junk Inquiries"),
    "blacklisted": ("被加为黑名单数", "被加黑名单数", "Times Blacklisted", "Blacklisted"),
    "orders": ("订单总数", "Total Orders"),
    "order_amount": ("订单总金额", "Total Order Amount", "Total Order Value"),
    "suppliers": ("交易供应商数", "Suppliers Traded", "Trading Suppliers"),
    "search_terms": ("最近搜索词", "Recent Search Terms", "Recent Searches"),
    "latest_product": ("最新询价产品", "Latest Inquired Product"),
    "is_junk": ("是否垃圾询盘", "垃圾询盘", "Is Spam", "Spam", "Junk"),
}

CUSTOMER_HEADERS: dict[str, tuple[str, ...]] = {
    "company": ("公司名称", "公司", "客户名称", "Company Name", "Company"),
    "country": ("所属国家", "国家/地区", "国家", "Country/Region", "Country"),
    "grade": ("客户等级", "等级", "Customer Grade", "Customer Level", "Grade"),
    "salesperson": ("业务员", "所属业务员", "负责人", "Salesperson", "Owner"),
    "source": ("客户来源", "来源", "Customer Source", "Source"),
    "registered_at": ("注册时间", "注册日期", "Registration Time", "Registered"),
    "filed_at": ("建档时间", "建档日期", "Filing Time", "Profile Created", "Added On"),
    "contact": ("联系人", "联系人姓名", "Contact", "Contact Name", "Contact Person"),
    "email": ("邮箱", "电子邮箱", "Email", "E-mail"),
    "landline": ("座机", "电话", "Landline", "Telephone", "Tel", "Phone"),
    "mobile": ("手机", "手机号", "Mobile", "Mobile Phone"),
    "followed": ("是否关注", "关注", "Followed", "Following"),
    "followed_at": ("关注时间", "Followed Time", "Follow Time"),
    "has_inquiry": ("有无询盘", "近一年有无询盘", "Has Inquiry", "Inquiry in Last Year"),
}

SPECS: tuple[KindSpec, ...] = (
    KindSpec(
        INQUIRIES,
        "询盘 inquiries",
        INQUIRY_HEADERS,
        key=("inquiry_id",),
        signature=("created_at", "buyer_name", "subject"),
        ids=frozenset({"inquiry_id", "product_id"}),
        texts=frozenset(
            {
                "buyer_name",
                "buyer_level",
                "buyer_type",
                "terminal",
                "inquiry_type",
                "source",
                "subject",
                "product_title",
                "product_image",
                "product_url",
                "salesperson",
                "country",
                "company",
                "website",
                "email",
                "mobile",
                "phone",
                "whatsapp",
                "industry",
                "search_terms",
                "latest_product",
            }
        ),
        flags=frozenset({"is_junk"}),
        times=frozenset({"created_at", "replied_at", "read_at"}),
        dates=frozenset({"registered_on"}),
        money=frozenset({"order_amount"}),
        default_zone=CHINA,
        default_currency="USD",
        missing_key="缺少询盘ID / missing inquiry ID (询盘ID)",
    ),
    KindSpec(
        CUSTOMERS,
        "客户通 customers",
        CUSTOMER_HEADERS,
        key=("company",),
        signature=("grade", "filed_at", "contact", "has_inquiry"),
        texts=frozenset(
            {"company", "country", "grade", "salesperson", "source", "contact", "email", "landline", "mobile"}
        ),
        flags=frozenset({"followed", "has_inquiry"}),
        times=frozenset({"registered_at", "filed_at", "followed_at"}),
        default_zone=CHINA,
        missing_key="缺少公司名称 / missing company name (公司名称)",
    ),
)


def is_hidden(v: Any) -> bool:
    """True for a value the back office hides or leaves out (``客户隐藏``, ``"-"``)."""
    if not isinstance(v, str):
        return False
    return unicodedata.normalize("NFKC", v).strip().lower() in HIDDEN


def known(v: Any) -> Any:
    """The value, or ``None`` when it is blank, hidden (``客户隐藏``) or ``"-"``.

    >>> known("客户隐藏") is None, known(" Bob "), known(None) is None
    (True, 'Bob', True)
    """
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        v = v.strip()
        if v == "" or is_hidden(v):
            return None
    return v
