"""ONS population denominators for London boroughs.

- Mid-year estimates (MYE2, persons by single year of age): mid-2019 and mid-2020
  (2011-based series, rolled forward from Census 2011) and mid-2023 and mid-2024
  (2021-based series). The two series differ: do not read a change across the break
  as growth. Mid-2021 and mid-2022 estimates are not in the raw folder.
- Census 2021 ethnic group (19 categories, summed to the 5 high-level groups).

Schema of :func:`load_mid_year_estimates`:
    year          int64    mid-year (30 June) of the estimate
    area_code     string   GSS code E09000001-E09000033 (City of London kept; callers drop it)
    age           int64    single year of age; 90 means 90 and over
    population    int64    persons
    series        string   "2011-based" or "2021-based"

Schema of :func:`load_census_ethnicity`:
    area_code     string
    ethnic_group  string   Asian / Black / Mixed / White / Other (Census 2021 high-level groups)
    population    int64    usual residents on census day, 21 March 2021
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import SourceError
from loaders.validation import parse_count_columns, parse_counts, read_csv_as_text, require_columns, row_of

MYE_PATTERN = "population/ons_mye2_persons_sya_mid*.csv"
ETHNICITY_PATTERN = "population/ons_census2021_ethnic_group*.csv"
#: Residents of one borough (of one age or group): no borough has this many in all.
MAX_PEOPLE = 2_000_000
LONDON_CODES = [f"E09{n:06d}" for n in range(1, 34)]
AGES = [str(a) for a in range(90)] + ["90+"]
ETHNIC_GROUPS = {
    "Asian, Asian British or Asian Welsh": "Asian",
    "Black, Black British, Black Welsh, Caribbean or African": "Black",
    "Mixed or Multiple ethnic groups": "Mixed",
    "White": "White",
    "Other ethnic group": "Other",
}


def mid_year_of(path: Path) -> int:
    """The estimate's year from a file name containing 'mid2023' etc."""
    found = re.search(r"mid(\d{4})", Path(path).name)
    if not found:
        raise SourceError(path, "file name does not say the mid-year (expected 'midYYYY')")
    return int(found.group(1))


def load_mid_year_estimates(path: Path) -> pd.DataFrame:
    """London rows of one MYE2 persons file, long by single year of age."""
    table = read_csv_as_text(path)
    code_column = next((c for c in table.columns if c == "Code" or c.endswith("_code")), None)
    if code_column is None:
        raise SourceError(path, "no area code column (Code or ltlaYY_code)", "Code")
    require_columns(table, AGES, path, "ONS MYE2 persons")
    london = table[table[code_column].str.strip().isin(LONDON_CODES)]
    if sorted(london[code_column].str.strip()) != LONDON_CODES:
        raise SourceError(path, "does not hold exactly one row for each of the 33 London codes", code_column)
    population = parse_count_columns(london[AGES], path, MAX_PEOPLE)
    year = mid_year_of(path)
    return pd.DataFrame(
        {
            "year": year,
            "area_code": pd.array(np.tile(london[code_column].str.strip().to_numpy(dtype=object), len(AGES)), dtype="string"),
            "age": np.repeat(np.array([int(age.rstrip("+")) for age in AGES], dtype="int64"), len(london)),  # "90+" is 90
            "population": population.ravel(order="F"),
            "series": "2021-based" if year >= 2021 else "2011-based",
        }
    ).astype({"series": "string", "year": "int64"})


def load_census_ethnicity(path: Path) -> pd.DataFrame:
    """Census 2021 usual residents of each London area by 5 high-level ethnic groups."""
    table = read_csv_as_text(path)
    require_columns(table, ["ltla21_code", "ethnic_group", "value"], path, "Census 2021 ethnic group")
    counts = table[table["ethnic_group"].str.endswith("(number)") & table["ltla21_code"].isin(LONDON_CODES)]
    if counts["ltla21_code"].nunique() != 33:
        raise SourceError(path, "does not cover the 33 London codes", "ltla21_code")
    high_level = counts["ethnic_group"].str.split(":", n=1).str[0].str.strip()
    unknown = sorted(set(high_level) - set(ETHNIC_GROUPS))
    if unknown:
        raise SourceError(path, f"row {row_of(high_level, ~high_level.isin(list(ETHNIC_GROUPS)))}: unknown ethnic group(s) {unknown}", "ethnic_group")
    tidy = pd.DataFrame(
        {
            "area_code": counts["ltla21_code"].astype("string"),
            "ethnic_group": high_level.map(ETHNIC_GROUPS).astype("string"),
            "population": parse_counts(counts["value"], path, "value", MAX_PEOPLE),
        }
    )
    return tidy.groupby(["area_code", "ethnic_group"], as_index=False)["population"].sum()
