"""One page per claim: verdict, long trend, monthly series, BCU/borough ranking and map, numbers, definitions."""

from __future__ import annotations

import streamlit as st

from indicators.areas import bcu_of, borough_codes
from indicators.claims import CLAIMS_BY_SLUG, COMMON_CAVEATS, definition_of, describe_change, label_of, unit_of
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
    charts.table_download(
        data.claim_comparison(version, claim, area, period, comparison),
        f"claim-{claim.number}-{area.key}-{period.key}-vs-{comparison.key}.csv",
        f"side-by-side-{slug}",
    )

    st.subheader("Trends")
    keys = [claim.headline, *claim.companions, *claim.context]
    measure = st.selectbox(
        "Measure shown in the charts", keys, format_func=lambda k: ("Headline: " if k == claim.headline else "") + label_of(k), key=f"measure-{slug}"
    )
    st.markdown(f"**What this counts.** {definition_of(measure)}")
    if not snapshot.available(measure, area):
        st.info(f"No data for this measure and area in the snapshot ({_why_unavailable(snapshot, measure)}).")
    else:
        _charts(snapshot, version, measure, selection, slug)

    st.subheader("All the numbers for this claim")
    charts.table_download(
        data.claim_numbers(version, claim, area, selection.basis), f"claim-{claim.number}-{area.key}-{selection.basis}.csv", f"numbers-{slug}"
    )
    st.caption("Empty values: the period is not fully covered by the source (see months_with_data).")

    st.subheader("Definitions, source and caveats")
    for key in keys:
        st.markdown(f"- **{label_of(key)}** ({unit_of(key)}): {definition_of(key)}")
    st.markdown("**Caveats**")
    for caveat in (*claim.caveats, *COMMON_CAVEATS):
        st.markdown(f"- {caveat}")
    st.markdown("**Sources**")
    for source in {snapshot.source_of(key)["title"]: snapshot.source_of(key) for key in keys}.values():
        st.markdown(f"- [{source['title']}]({source['url']}), {source['publisher']}. {source['attribution']}")


def _why_unavailable(snapshot, measure: str) -> str:
    if snapshot.data_through(measure) is None:
        table = MEASURES[snapshot.count_key(measure)].table
        return f"the snapshot holds no {SOURCE_NAMES[table]}; run `python -m loaders refresh` on a machine with internet"
    return "this source gives a London total only, with no breakdown by area"


def _charts(snapshot, version: str, measure: str, selection: filters.Selection, slug: str) -> None:
    area, period, comparison = selection.area, selection.period, selection.comparison
    through = snapshot.data_through(measure)
    note = f"Data through {through:%B %Y}. {area.label}. Source: {SOURCE_NAMES[MEASURES[snapshot.count_key(measure)].table]}."
    can_rate = measure in MEASURES and MEASURES[measure].population_ages is not None
    per_100k = (
        can_rate
        and st.radio(
            "Show",
            ["count", "rate per 100,000 residents"],
            horizontal=True,
            key=f"scale-{slug}",
            help="Rates divide by ONS mid-year residents of the ages the measure counts; the population year is given with each rate.",
        )
        != "count"
    )
    column = "rate_per_100k" if per_100k else "value"
    unit = unit_of(measure)
    if per_100k:
        ages = MEASURES[measure].population_ages
        unit = f"{unit} per 100,000 residents" + ("" if ages == (0, 90) else f" aged {ages[0]}-{ages[1]}")
        st.caption(
            f"Rates for {period.label} use the ONS mid-year estimate {snapshot.population_year(period)[1]}. "
            f"The series differ ({snapshot.population_series_note()}): do not read the break as change."
        )
    periods = data.by_period(version, measure, area, selection.basis)
    charts.show(
        charts.period_bars(
            periods,
            column,
            period.key,
            comparison.key,
            _trend_title(snapshot, measure, area, period, comparison, per_100k, unit),
            "per cent" if unit == "%" else unit,
            note,
        ),
        periods[["period", "value", "rate_per_100k", "population_used", "complete", "months_with_data"]],
        f"{measure}-{area.key}-{selection.basis}.csv",
        f"periods-{slug}",
    )
    monthly = data.monthly(version, measure, area)
    charts.show(
        charts.monthly_chart(
            monthly, f"{label_of(measure)} by month, {area.label}", "per cent" if unit == "%" else f"{unit_of(measure)} per month", note
        ),
        monthly.assign(month=monthly["month"].dt.strftime("%Y-%m")),
        f"{measure}-{area.key}-monthly.csv",
        f"monthly-{slug}",
    )
    if measure in RATES or MEASURES[measure].london_only:
        st.caption("No ranking or map by BCU or borough for this measure: it is a rate, or the source has a London total only.")
        return
    if not snapshot.is_complete(measure, period):
        st.caption(f"No ranking or map by BCU or borough: the data do not cover all of {period.label}.")
        return
    st.subheader(f"Where, {period.label}")
    ranked_note = f"{'Per 100,000 residents. ' if per_100k else ''}Data through {through:%b %Y}. 'Not assigned': London only."
    for place, level in zip(st.columns(2), ("bcu", "borough")):
        ranked = data.breakdown(version, measure, period, level, per_100k)
        highlight = bcu_of(area, snapshot.areas) if level == "bcu" else (area.name if area.level == "Borough" else None)
        with place:
            charts.show(
                charts.ranked_bars(ranked, column, highlight, f"By {'BCU' if level == 'bcu' else 'borough'}, {period.label}", unit, ranked_note),
                ranked,
                f"{measure}-{period.key}-by-{level}.csv",
                f"rank-{level}-{slug}",
            )
    _map(snapshot, version, measure, period, area, per_100k, unit, through, slug)


def _trend_title(snapshot, measure: str, area, period, comparison, per_100k: bool, unit: str) -> str:
    """The finding, in the terms the bars are drawn in (counts or rates)."""
    if per_100k:
        current, previous = (snapshot.rate_per_100k(measure, area, p)[0] for p in (period, comparison))
        if current is not None and previous is not None:
            per = unit.removeprefix(unit_of(measure)).strip()  # 'per 100,000 residents aged 1-24'
            return f"{label_of(measure)}, {per}: {previous:,.1f} in {comparison.label}, {current:,.1f} in {period.label}"
    else:
        current, previous = snapshot.value(measure, area, period), snapshot.value(measure, area, comparison)
        if current is not None and previous is not None:
            return describe_change(measure, current, previous, period, comparison)
    missing = period.label if current is None else comparison.label
    return f"{label_of(measure)} by year: the data run to {snapshot.data_through(measure):%B %Y}, so {missing} is not covered"


def _map(snapshot, version: str, measure: str, period, area, per_100k: bool, unit: str, through, slug: str) -> None:
    values = data.borough_values(version, measure, period, per_100k)
    selected_boroughs = set(borough_codes(area, snapshot.areas)) if area.level == "Borough" else set()
    key = f"map-{slug}"
    figure = charts.borough_map(
        values,
        snapshot.boundaries,
        snapshot.bcu_outlines,
        selected_boroughs,
        bcu_of(area, snapshot.areas),
        f"{label_of(measure)} by borough, {period.label}",
        unit,
        f"Data through {through:%B %Y}. Black lines: BCUs. Grey: City of London (not Met). Click a borough to select it.",
    )
    st.plotly_chart(figure, key=key, on_select=lambda: filters.select_borough_from_map(key), selection_mode="points", config={"displaylogo": False})
    with st.expander("Table of the numbers in this map"):
        charts.table_download(values, f"{measure}-{period.key}-map.csv", f"map-{slug}")
