"""One page per claim: verdict, long trend, monthly series, BCU/borough ranking and map, numbers, definitions."""

from __future__ import annotations

import streamlit as st

from indicators.areas import bcu_of, borough_codes
from indicators.claims import CLAIMS_BY_SLUG, COMMON_CAVEATS, LETTER
from indicators.figures import source_words
from indicators.tables import period_table, with_month_text
from indicators.verdicts import describe
from ui import cached, charts, filters
from ui.tiles import other_evidence, small, verdict_box

#: The "Show" choice as written in the URL.
SCALES = {"count": "count", "rate": "rate per 100,000 residents"}


def render(slug: str) -> None:
    claim = CLAIMS_BY_SLUG[slug]
    snapshot = cached.snapshot()
    selection = filters.sidebar(snapshot)
    version = snapshot.version
    area, period, comparison = selection.area, selection.period, selection.comparison
    st.title(f"Claim {claim.number}: {claim.title}")
    assessment = cached.assessment(version, claim, area, period, comparison)
    st.markdown(
        f"> “{claim.words}” — {LETTER}\n\n"
        + small(f"{assessment.scope} · {area.label} · {period.label} ({period.span}) compared with {comparison.label} ({comparison.span})")
        + f"\n\n**Rests on:** {assessment.best.label}"
    )
    if assessment.caveat:
        st.warning(assessment.caveat, icon=":material/warning:")
    verdict_box(assessment.best)
    other_evidence(assessment)

    st.subheader(f"{period.label} against {comparison.label}, side by side")
    charts.table_download(
        lambda: cached.claim_comparison(version, claim, area, period, comparison),
        f"claim-{claim.number}-{area.key}-{period.key}-vs-{comparison.key}.csv",
        f"side-by-side-{slug}",
        shown=cached.claim_comparison_shown(version, claim, area, period, comparison),
    )

    st.subheader("Trends")
    keys = claim.figure_keys
    filters.page_setting("measure", f"measure-{slug}", {key: key for key in keys})
    measure = st.selectbox(
        "Measure shown in the charts",
        keys,
        format_func=lambda k: ("Headline: " if k == claim.headline else "") + snapshot.figure(k).label,
        key=f"measure-{slug}",
    )
    st.markdown(f"**What this counts.** {snapshot.figure(measure).definition}")
    if not snapshot.available(measure, area):
        st.info(f"No data for this measure and area in the snapshot ({_why_unavailable(snapshot, measure)}).")
    else:
        _charts(snapshot, version, measure, selection, slug)

    st.subheader("All the numbers for this claim")
    charts.table_on_request(
        "Every figure for this claim, every period (table and CSV)",
        lambda: cached.claim_numbers(version, claim, area, selection.basis),
        f"claim-{claim.number}-{area.key}-{selection.basis}.csv",
        f"numbers-{slug}",
    )
    st.caption("Empty values: the period is not fully covered by the source (see months_with_data).")

    st.subheader("Definitions, source and caveats")
    sources = {snapshot.source_of(key)["title"]: snapshot.source_of(key) for key in keys}.values()
    st.markdown(  # one element: each is a message the browser applies on every rerun
        "\n".join(f"- **{snapshot.figure(key).label}** ({snapshot.figure(key).unit}): {snapshot.figure(key).definition}" for key in keys)
        + "\n\n**Caveats**\n\n"
        + "\n".join(f"- {caveat}" for caveat in (*claim.caveats, *COMMON_CAVEATS))
        + "\n\n**Sources**\n\n"
        + "\n".join(f"- [{source['title']}]({source['url']}), {source['publisher']}. {source['attribution']}" for source in sources)
    )


def _why_unavailable(snapshot, measure: str) -> str:
    if snapshot.data_through(measure) is None:
        return f"the {source_words(snapshot.figure(measure))} are not in the embedded data; see Sources and methods"
    return "this source gives a London total only, with no breakdown by area"


def _charts(snapshot, version: str, measure: str, selection: filters.Selection, slug: str) -> None:
    area, period, comparison = selection.area, selection.period, selection.comparison
    through = snapshot.data_through(measure)
    figure = snapshot.figure(measure)
    note = f"Data through {through:%B %Y}. {area.label}. Source: {source_words(figure)}."
    can_rate = figure.population_ages is not None
    filters.page_setting("show", f"scale-{slug}", SCALES)
    per_100k = (
        can_rate
        and st.radio(
            "Show",
            list(SCALES.values()),
            horizontal=True,
            key=f"scale-{slug}",
            help="Rates divide by ONS mid-year residents of the ages the measure counts; the population year is given with each rate.",
        )
        != "count"
    )
    filters.keep_in_url({"measure": measure, "show": "rate" if per_100k else "count"})
    column = "rate_per_100k" if per_100k else "value"
    unit = figure.unit
    if per_100k and figure.population_ages is not None:
        ages = figure.population_ages
        unit = f"{unit} per 100,000 residents" + ("" if ages == (0, 90) else f" aged {ages[0]}-{ages[1]}")
        st.caption(
            f"Rates for {period.label} use the ONS mid-year estimate {snapshot.population_year(period)[1]}. "
            f"The series differ ({snapshot.population_series_note()}): do not read the break as change."
        )
    periods = cached.FrameCall(cached.by_period, (version, measure, area, selection.basis))
    charts.show(
        charts.period_bars(
            periods,
            column,
            period.key,
            comparison.key,
            _trend_title(snapshot, measure, area, period, comparison, per_100k, unit),
            "per cent" if unit == "%" else unit,
            note,
            cached.stamp(),
        ),
        lambda: period_table(periods()),
        f"{measure}-{area.key}-{selection.basis}.csv",
        f"periods-{slug}",
    )
    monthly = cached.FrameCall(cached.monthly, (version, measure, area))
    charts.show(
        charts.monthly_chart(
            monthly, f"{figure.label} by month, {area.label}", "per cent" if unit == "%" else f"{figure.unit} per month", note, cached.stamp()
        ),
        lambda: with_month_text(monthly()),
        f"{measure}-{area.key}-monthly.csv",
        f"monthly-{slug}",
    )
    if figure.is_rate or figure.london_only:
        st.caption("No ranking or map by BCU or borough for this measure: it is a rate, or the source has a London total only.")
        return
    if not snapshot.is_complete(measure, period):
        st.caption(f"No ranking or map by BCU or borough: the data do not cover all of {period.label}.")
        return
    st.subheader(f"Where, {period.label}")
    ranked_note = (
        f"{'Per 100,000 residents. ' if per_100k else ''}Data through {through:%b %Y}. Source: {source_words(figure)}. 'Not assigned': London only."
    )
    for place, level in zip(st.columns(2), ("bcu", "borough")):
        ranked = cached.FrameCall(cached.breakdown, (version, measure, period, level, per_100k))
        highlight = bcu_of(area, snapshot.areas) if level == "bcu" else (area.name if area.level == "Borough" else None)
        with place:
            charts.show(
                charts.ranked_bars(
                    ranked,
                    column,
                    highlight,
                    f"{figure.label} by {'BCU' if level == 'bcu' else 'borough'}, {period.label}",
                    unit,
                    ranked_note,
                    cached.stamp(),
                ),
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
            per = unit.removeprefix(snapshot.figure(measure).unit).strip()  # 'per 100,000 residents aged 1-24'
            return f"{snapshot.figure(measure).label}, {per}: {previous:,.1f} in {comparison.label}, {current:,.1f} in {period.label}"
    else:
        current, previous = snapshot.value(measure, area, period), snapshot.value(measure, area, comparison)
        if current is not None and previous is not None:
            return describe(snapshot, measure, current, previous, period.label, comparison.label)
    missing = period.label if current is None else comparison.label
    return f"{snapshot.figure(measure).label} by year: the data run to {snapshot.data_through(measure):%B %Y}, so {missing} is not covered"


def _map(snapshot, version: str, measure: str, period, area, per_100k: bool, unit: str, through, slug: str) -> None:
    values = cached.FrameCall(cached.borough_values, (version, measure, period, per_100k))
    selected_boroughs = tuple(sorted(borough_codes(area, snapshot.areas))) if area.level == "Borough" else ()
    key = f"map-{slug}"
    figure = charts.borough_map(
        values,
        version,
        snapshot.bcu_names,
        selected_boroughs,
        bcu_of(area, snapshot.areas),
        f"{snapshot.figure(measure).label} by borough, {period.label}",
        unit,
        f"Data through {through:%B %Y}. Source: {source_words(snapshot.figure(measure))}; boundaries: GLA. Black lines: BCUs. Grey: City of London (not Met).",
        cached.stamp(),
    )
    st.plotly_chart(
        figure,
        key=key,
        on_select=lambda: filters.select_borough_from_map(key),
        selection_mode="points",
        config=charts.map_config(f"{measure}-{period.key}-by-borough-map", version),
    )
    st.caption("Click a borough on the map to select it.")
    charts.table_on_request("Table of the numbers in this map", values, f"{measure}-{period.key}-map.csv", f"map-{slug}")
