"""A back office shared through the Primary Care Network, with the practices staying separate partnerships.

Each practice's fixed (back-office) costs are pooled; the pool costs ``1 - saving_share`` of their sum
plus any coordination cost (GBP a year: a shared business manager, a contract), and is split between
the practices by a cost-sharing key (``SHARING_KEYS``):
- ``list``: in proportion to registered patients;
- ``weighted list``: in proportion to weighted patients (the global sum's own measure of workload);
- ``equal``: the same for each practice.
A practice saves what it paid alone minus its share of the pool. The savings add up to
``saving_share x`` the pooled costs ``- coordination cost`` whatever the key: the key decides who gets
the saving, not how large it is (and an unequal key can leave a practice paying more than alone).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.gp_partnership import Practice, practice_accounts
from academy.models.practice_merger import check_practice_names
from academy.models.validation import require_non_negative, require_share

SHARING_KEYS = ("list", "weighted list", "equal")


def shared_back_office(
    practices: list[Practice], saving_share: float = 0.2, key: str = "list", coordination_costs_gbp: float = 0.0
) -> pd.DataFrame:
    """Return what each practice pays for its back office alone and shared, and what it saves.

    One row per practice (index: its name). Columns: ``cost_share`` (share of the pool, 0 to 1),
    ``back_office_alone_gbp``, ``back_office_shared_gbp``, ``saving_gbp`` (GBP a year),
    ``saving_per_partner_gbp`` (GBP a year per FTE partner), ``profit_per_partner_alone_gbp`` and
    ``profit_per_partner_shared_gbp``. ``saving_share`` is a share (0 to 1) of the pooled costs.
    """
    check_practice_names(practices)
    saving = float(require_share("saving_share", saving_share))
    coordination = float(require_non_negative("coordination_costs_gbp", coordination_costs_gbp))
    if key not in SHARING_KEYS:
        raise ValueError(f"key must be one of {', '.join(SHARING_KEYS)}; got {key!r}")
    registered = np.array([p.registered_patients for p in practices], dtype=float)
    weights = {
        "list": registered,
        "weighted list": registered * np.array([p.list_weighting for p in practices], dtype=float),
        "equal": np.ones(len(practices)),
    }[key]
    shares = weights / weights.sum()
    alone = np.array([p.fixed_costs_gbp for p in practices], dtype=float)
    pool = alone.sum() * (1 - saving) + coordination
    shared = shares * pool
    partners = np.array([p.partners for p in practices], dtype=float)
    profit_alone = np.array([practice_accounts(p)["profit_per_partner_gbp"] for p in practices])
    savings = alone - shared
    return pd.DataFrame(
        {
            "cost_share": shares,
            "back_office_alone_gbp": alone,
            "back_office_shared_gbp": shared,
            "saving_gbp": savings,
            "saving_per_partner_gbp": savings / partners,
            "profit_per_partner_alone_gbp": profit_alone,
            "profit_per_partner_shared_gbp": profit_alone + savings / partners,
        },
        index=pd.Index([p.name for p in practices], name="practice"),
    )
