"""One page per claim: verdict, long trend, monthly series, BCU/borough ranking, numbers, definitions."""

from __future__ import annotations

import streamlit as st

from indicators.claims import CLAIMS_BY_SLUG, COMMON_CAVEATS, describe_change, label_of, unit_of
from indicators.measures import MEASURES, RATES, SOURCE_NAMES
from ui import charts, data, filters
from ui.tiles import chance_note, verdict_box

def render(slug: str) -> None:
    claim = CLAIMS_BY_SLUG[slug]
    snapshot = data.snapshot()
    selection = filters.sidebar(snapshot)
    version = snapshot.version
    area, period, comparison = selection.area, selection.period, selection.comparison
    st.title(f"Claim {claim.number}: {claim.title}")
    st.markdown(f"> “{claim.words}” — Metropolitan Police, letter of 25 March 2025")
    st.caption(f"{area.label} · {period.label} ({period.span}) compared with {comparison.label}")
    verdict = data.verdict(version, claim, area, period, comparison)
    verdict_box(verdict)
    chance_note(verdict)
    if verdict.nearest_figure:
        st.markdown(f"**What open data can say instead** (a related figure, not the claim's measure): {verdict.nearest_figure}.")

    st.subheader(f"{period.label} against {comparison.label}, side by side")
    side_by_side = data.claim_comparison(version, claim, area, period, comparison)
    st.dataframe(side_by_side, hide_index=True)
    st.download_button(
        "Download CSV", side_by_side.to_csv(index=False).encode("utf-8"),
        file_name=f"claim-{claim.number}-{area.key}-{period.key}-vs-{comparison.key}.csv".replace("/", "-").replace(" ", "_"),
        mime="text/csv", key=f"side-by-side-csv-{slug}", on_click="ignore",
    )

    st.subheader("Trends")
    keys = [claim.headline, *claim.companions, *claim.context]
    measure = st.selectbox(
        "Measure shown in the charts", keys, format_func=lambda k: ("Headline: " if k == claim.headline else "") + label_of(k), key=f"measure-{slug}"
    )
    definition = (MEASURES.get(measure) or RATES[measure]).definition
    st.markdown(f"**What this counts.** {definition}")
    if not snapshot.available(measure, area):
        st.info(f"No data for this measure and area in the snapshot ({_why_unavailable(snapshot, measure, area)}).")
    else:
        _charts(snapshot, version, measure, selection, slug)

    st.subheader("All the numbers for this claim")
    numbers = data.claim_numbers(version, claim, area, selection.basis)
    st.dataframe(numbers, hide_index=True, key=f"numbers-{slug}")
    st.download_button(
        "Download CSV", numbers.to_csv(index=False).encode("utf-8"), file_name=f"claim-{claim.number}-{area.key}-{selection.basis}.csv".replace(" ", "_"),
        mime="text/csv", key=f"numbers-csv-{slug}", on_click="ignore",
    )
    st.caption("Empty values: the period is not fully covered by the source (see months_with_data).")

    st.subheader("Definitions, source and caveats")
    for key in keys:
        st.markdown(f"- **{label_of(key)}** ({unit_of(key)}): {(MEASURES.get(key) or RATES[key]).definition}")
    st.markdown("**Caveats**")
    for caveat in (*claim.caveats, *COMMON_CAVEATS):
        st.markdown(f"- {caveat}")
    sources = {snapshot.manifest["tables"][MEASURES[snapshot.count_key(k)].table]["source"]["title"]: snapshot.manifest["tables"][MEASURES[snapshot.count_key(k)].table]["source"] for k in keys}
    st.markdown("**Sources**")
    for source in sources.values():
        st.markdown(f"- [{source['title']}]({source['url']}), {source['publisher']}. {source['attribution']}")


def _why_unavailable(snapshot, measure: str, area) -> str:
    table = MEASURES[snapshot.count_key(measure)].table
    if snapshot.data_through(measure) is None:
        return f"the snapshot holds no {SOURCE_NAMES[table]}; run `python -m loaders refresh` on a machine with internet"
    return "this source gives a London total only, with no breakdown by area"


def _charts(snapshot, version: str, measure: str, selection: filters.Selection, slug: str) -> None:
    area, period, comparison = selection.area, selection.period, selection.comparison
    unit = unit_of(measure)
    through = snapshot.data_through(measure)
    table = MEASURES[snapshot.count_key(measure)].table
    note = f"Data through {through:%B %Y}. {area.label}. Source: {SOURCE_NAMES[table]}."
    can_rate = measure in MEASURES and MEASURES[measure].population_ages is not None
    per_100k = can_rate and st.radio(
        "Show", ["count", "rate per 100,000 residents"], horizontal=True, key=f"scale-{slug}",
        help="Rates divide by ONS mid-year residents of the ages the measure counts; the population year is given with each rate.",
    ) != "count"
    if per_100k:
        ages = MEASURES[measure].population_ages
        unit = f"{unit} per 100,000 residents" + ("" if ages == (0, 90) else f" aged {ages[0]}-{ages[1]}")
        year_note = snapshot.population_year(period)[1]
        st.caption(f"Rates for {period.label} use the ONS mid-year estimate {year_note}. 2019-2020 estimates are the 2011-based series, 2023 on 2021-based: do not read the break as change.")
    value_column = "rate_per_100k" if per_100k else "value"
    periods = data.by_period(version, measure, area, selection.basis)
    drawn = periods.assign(value=periods[value_column])
    current, previous = snapshot.value(measure, area, period), snapshot.value(measure, area, comparison)
    if current is not None and previous is not None:
        title = describe_change(measure, current, previous, period, comparison)
    else:
        title = f"{label_of(measure)} by year: the data run to {through:%B %Y}, so {period.label if current is None else comparison.label} is not covered"
    y_label = "per cent" if unit == "%" else unit
    charts.show(
        charts.period_bars(drawn, period.key, comparison.key, title, y_label, note),
        periods[["period", "value", "rate_per_100k", "population_used", "complete", "months_with_data"]],
        f"{measure}-{area.key}-{selection.basis}.csv".replace(" ", "_"),
        f"periods-{slug}",
    )
    monthly = data.monthly(version, measure, area)
    charts.show(
        charts.monthly_chart(monthly, f"{label_of(measure)} by month, {area.label}", f"{unit_of(measure)} per month" if unit != "%" else "per cent", note),
        monthly.assign(month=monthly["month"].dt.strftime("%Y-%m")),
        f"{measure}-{area.key}-monthly.csv".replace(" ", "_"),
        f"monthly-{slug}",
    )
    if measure in RATES or MEASURES[measure].london_only:
        st.caption("No ranking or map by BCU or borough for this measure: it is a rate, or the source has a London total only.")
        return
    if not snapshot.is_complete(measure, period):
        st.caption(f"No ranking or map by BCU or borough: the data do not cover all of {period.label}.")
        return
    st.subheader(f"Where, {period.label}")
    left, right = st.columns(2)
    for column, level in ((left, "bcu"), (right, "borough")):
        ranked = data.breakdown(version, measure, period, level)
        with column:
            charts.show(
                charts.ranked_bars(
                    ranked.assign(value=ranked[value_column]), _highlight(snapshot, area, level), f"By {'BCU' if level == 'bcu' else 'borough'}, {period.label}", unit,
                    f"{label_of(measure)}. Data through {through:%B %Y}. 'Not assigned' rows count in London only.",
                ),
                ranked,
                f"{measure}-{period.key}-by-{level}.csv".replace("/", "-"),
                f"rank-{level}-{slug}",
            )
    _map(snapshot, version, measure, period, area, per_100k, unit, through, slug)


def _map(snapshot, version: str, measure: str, period, area, per_100k: bool, unit: str, through, slug: str) -> None:
    values = data.borough_values(version, measure, period, per_100k)
    codes = set(snapshot.areas.loc[snapshot.areas["borough"] == area.name, "borough_code"]) if area.level == "Borough" else set()
    bcu = _highlight(snapshot, area, "bcu")
    key = f"map-{slug}"
    figure = charts.borough_map(
        values, snapshot.boundaries, snapshot.bcu_outlines, codes, bcu, f"{label_of(measure)} by borough, {period.label}", unit,
        f"Data through {through:%B %Y}. Black lines: BCUs. Grey: City of London (not Met). Click a borough to select it.",
    )
    st.plotly_chart(figure, key=key, on_select=lambda: filters.select_borough_from_map(key), selection_mode="points", config={"displaylogo": False})
    with st.expander("Table of the numbers in this map"):
        st.dataframe(values, hide_index=True)
        st.download_button(
            "Download CSV", values.to_csv(index=False).encode("utf-8"), file_name=f"{measure}-{period.key}-map.csv".replace("/", "-"),
            mime="text/csv", key=f"map-csv-{slug}", on_click="ignore",
        )


def _highlight(snapshot, area, level: str) -> str | None:
    """The bar to mark: the selected BCU or borough, and a selected borough's BCU."""
    if area.level == "Borough" and level == "bcu":
        return snapshot.areas.loc[snapshot.areas["borough"] == area.name, "bcu"].iloc[0]
    return area.name if area.level.lower() == level else None
