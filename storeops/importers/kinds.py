"""Every export kind StoreOps imports, and :func:`read_any`, which tells them apart by their
header row (never by the file name).

========================  ===================================  ==========================
kind                      export                               module
========================  ===================================  ==========================
``products``              数据管家 产品 (Products-*.xls)          :mod:`.datamanager`
``keywords``              数据管家 关键词 (getKeywords-*.xls)      :mod:`.datamanager`
``inquiries``             询盘明细 / 导出询盘                     :mod:`.backoffice`
``customers``             客户通 客户列表                         :mod:`.backoffice`
``staff``                 数据管家 员工分析                       :mod:`.reports`
``p4p``                   直通车 关键词推广效果                    :mod:`.reports`
``products_1688``         1688 生意参谋 商品                     :mod:`.ali1688`
``keywords_1688``         1688 生意参谋 关键词                    :mod:`.ali1688`
========================  ===================================  ==========================
"""

from __future__ import annotations

from pathlib import Path

from . import ali1688, backoffice, datamanager, reports
from .spec import Export, KindSpec, read_kinds

__all__ = ["ALL_SPECS", "LABELS", "read_any"]

#: in the order ties are broken (the Data Manager's own kinds first)
ALL_SPECS: tuple[KindSpec, ...] = datamanager.SPECS + backoffice.SPECS + reports.SPECS + ali1688.SPECS
#: kind → bilingual label for reports
LABELS: dict[str, str] = {s.kind: s.label for s in ALL_SPECS}


def read_any(path: str | Path, *, zone: str | None = None) -> Export:
    """Read an export of any kind above; ``zone`` is the time zone of times written without
    one (default: the export's own — China time for the back office).

    Raises :class:`~storeops.errors.StoreOpsError` with one bilingual line when the file is
    missing, unreadable, or none of these kinds.
    """
    return read_kinds(path, ALL_SPECS, zone=zone)
