"""Where a claim's numbers come from: the processed tables and raw sources behind its specifications and band.

Why computed: the ledger's ``evidence`` column must name exactly what the
number was computed from, and the measures declare the tables they read; so the
lineage follows from the declarations and the data dictionary, never typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kzmv.analysis.claims.measures import MEASURES
from kzmv.data.claims_register import RAW_PREFIX, Claim, claim_measures


def evidence_ids(claim: Claim, dictionary: Mapping[str, Any] | None = None) -> list[str]:
    """Processed tables and raw source ids behind a claim, in order, without repeats.

    The tables come from the measures of the claim's specifications and of its
    band's other records; each processed
    table brings the raw sources the data dictionary records for it; the
    register may add raw ids that were consulted but not computed with.
    """
    ids: list[str] = []
    if claim.measure:
        for name in claim_measures(claim, MEASURES):
            spec = MEASURES[name]
            for table in spec.tables:
                if table.startswith(RAW_PREFIX):
                    ids.append(table.removeprefix(RAW_PREFIX))
                else:
                    ids.append(table)
                    if spec.raw is None:
                        ids.extend((dictionary or {}).get(table, {}).get("sources", []))
            ids.extend(spec.raw or ())
    ids.extend(claim.evidence)
    return list(dict.fromkeys(ids))
