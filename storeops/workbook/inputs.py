"""What a user keeps in a StoreOps workbook — the input columns of its tables and its input
cells (settings, PK weights, summary inputs) — as :func:`storeops.workbook.build_workbook`
takes them back (``data=``, ``settings=``), so a workbook can be built again around them:
``export --portable`` (the ``.xlsx`` edition) and ``storeops migrate`` (a newer layout).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import schema

__all__ = ["workbook_inputs"]


def workbook_inputs(
    tables: dict[str, pd.DataFrame], names: dict[str, Any]
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """(data, settings) for :func:`~storeops.workbook.build_workbook` from a workbook's tables
    (:func:`storeops.xlsx.read_tables`) and defined names (:func:`storeops.xlsx.read_names`).

    Tables of the schema become key frames (columns by key); every single-cell name that is
    not computed by a formula is a setting; the ``cfg_pk_weights`` row becomes
    ``pk_weight_<metric>`` values.

    Examples
    --------
    >>> import pandas as pd
    >>> data, settings = workbook_inputs(
    ...     {"tblFollow": pd.DataFrame({"买家 Buyer": ["Amy"]})},
    ...     {"cfg_class_a_usd": 5000.0, "cfg_today": 46000.0, "cfg_pk_weights": [0.5, 0.5]},
    ... )
    >>> data["tblFollow"]["buyer"].tolist(), settings["cfg_class_a_usd"], "cfg_today" in settings
    (['Amy'], 5000.0, False)
    """
    from storeops.tables import to_keys

    data = {name: to_keys(name, frame) for name, frame in tables.items() if name in schema.TABLES}
    computed = {schema.AS_OF_CELL} | {c.name for sh in schema.SHEETS for c in sh.cells if c.formula}
    settings = {k: v for k, v in names.items() if isinstance(k, str) and k not in computed and not isinstance(v, list)}
    weights = names.get("cfg_pk_weights")
    if isinstance(weights, list):
        for (key, _label, _w), v in zip(schema.PK_METRICS, weights):
            settings[f"pk_weight_{key}"] = v
    return data, settings
