"""Tables for the Sources and methods page, read from the manifest and the figure registry."""

from __future__ import annotations

import pandas as pd

from indicators.figures import FIGURES, source_words


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
                "first_month": entry["first_month"] or "",
                "last_month": entry["last_month"] or "",
                "months_before_build": months_before_build(entry["last_month"]),
                "rows": entry["rows"],
                "licence": entry["source"]["licence"],
                "notes": entry["notes"],
            }
            for name, entry in manifest["tables"].items()
        ]
    ).astype({"months_before_build": "Int64"})


def sources_status_table(manifest: dict) -> pd.DataFrame:
    """source, status, why: which sources the last build or refresh made fresh, and which kept their last good data, and why."""
    rows = [
        {"source": name, "status": status["status"], "why": status.get("reason") or "; ".join(status.get("remarks", [])) or ""}
        for name, status in manifest.get("sources", {}).items()
    ]
    return pd.DataFrame(rows, columns=["source", "status", "why"])


def definitions_table() -> pd.DataFrame:
    """figure, unit, source, definition: every figure in the registry, its definition written from its declaration."""
    return pd.DataFrame([{"figure": f.label, "unit": f.unit, "source": source_words(f), "definition": f.definition} for f in FIGURES.values()])
