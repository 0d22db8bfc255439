"""Tables for the Sources and methods page, read from the manifest and the measure registry."""

from __future__ import annotations

import pandas as pd

from indicators.measures import MEASURES, RATES, SOURCE_NAMES


def coverage_table(manifest: dict) -> pd.DataFrame:
    """One row per snapshot table: source, first and last month, how many months the data
    ended before the snapshot was built, rows, licence, notes."""
    built = pd.Timestamp(manifest["built_at"])

    def months_before_build(last: str | None) -> int | None:
        return None if not last else (built.year - int(last[:4])) * 12 + built.month - int(last[5:])

    return pd.DataFrame(
        [
            {
                "table": name,
                "source": entry["source"]["title"],
                "first month": entry["first_month"] or "",
                "last month": entry["last_month"] or "",
                "months before build": months_before_build(entry["last_month"]),
                "rows": entry["rows"],
                "licence": entry["source"]["licence"],
                "notes": entry["notes"],
            }
            for name, entry in manifest["tables"].items()
        ]
    ).astype({"months before build": "Int64"})


def definitions_table() -> pd.DataFrame:
    rows = [{"figure": m.label, "unit": m.unit, "source": SOURCE_NAMES[m.table], "definition": m.definition} for m in MEASURES.values()]
    rows += [{"figure": r.label, "unit": r.unit, "source": SOURCE_NAMES["stop_search"], "definition": r.definition} for r in RATES.values()]
    return pd.DataFrame(rows)
