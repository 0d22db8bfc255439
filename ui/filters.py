"""The sidebar filters (area, period basis, period, comparison), kept in the URL.

URL keys: ``area`` (London | '<name> BCU' | borough), ``basis`` (fy | fytd | cy | r12),
``period`` and ``compare`` (FY2024/25 | FYTD2024/25 | CY2024 | R12-2025-03). A value in the URL that
is not valid is replaced by the default and a notice says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from indicators.areas import Area, UnknownArea, borough_with_code, parse_area
from indicators.periods import BASES, Period, UnknownPeriod, default_comparison, default_period, parse_period
from indicators.snapshot import Snapshot
from ui import cached

URL_KEYS = ("area", "basis", "period", "compare")
#: Settings of one page kept in the URL too: the measure a claim page charts, count or rate.
PAGE_KEYS = ("measure", "show")
#: A plain (non-widget) copy of the selection: Streamlit drops a widget's state when the
#: page that drew it is left, so each page's widgets are restored from this copy, which
#: the widgets' on_change callback keeps current.
STORED = "stored_selection"


def _remember(key: str) -> None:
    """on_change callback: keep the plain copy current; notices about the link no longer apply."""
    st.session_state[STORED][key] = st.session_state[key]
    st.session_state["url_notices"] = []


MAX_URL_VALUE = 80


@dataclass(frozen=True)
class Selection:
    area: Area
    basis: str
    period: Period
    comparison: Period


def _read_url(snapshot: Snapshot) -> list[str]:
    """Seed the widgets from the URL once per session; return notices about bad values."""
    notices = []
    params = st.query_params
    if params.get("moved") == "unknown-page":
        notices.append("The address you opened is not a page of this dashboard, so here is the scorecard. The menu lists every page.")
        del st.query_params["moved"]
    unknown = sorted(set(params.keys()) - {*URL_KEYS, *PAGE_KEYS})
    if unknown:
        notices.append(f"Ignored {len(unknown)} setting(s) in the link that this dashboard does not use (it uses {', '.join(URL_KEYS)}).")
    text = {key: params.get_all(key)[0] for key in URL_KEYS if params.get_all(key)}
    for key in list(text):
        if len(params.get_all(key)) > 1:
            notices.append(f"The link gives '{key}' more than once; the first value is used.")
        if len(text[key]) > MAX_URL_VALUE:
            notices.append(f"Ignored an over-long '{key}' in the link.")
            del text[key]
    if text.get("area"):
        try:
            st.session_state["area"] = parse_area(text["area"], snapshot.areas)
        except UnknownArea:
            notices.append("The area in the link is not London, a BCU or a borough. Showing all London instead.")
    if text.get("basis"):
        if text["basis"] in BASES:
            st.session_state["basis"] = text["basis"]
        else:
            notices.append(f"Unknown period basis in the link (use {', '.join(BASES)}). Showing financial years.")
    basis = st.session_state.get("basis", "fy")
    options = snapshot.selectable_periods(basis)
    for key in ("period", "compare"):
        if not text.get(key):
            continue
        try:
            period = parse_period(text[key])
        except UnknownPeriod:
            notices.append(f"The '{key}' in the link is not a period this dashboard knows (e.g. FY2024/25). Using the default instead.")
            continue
        if period.basis != basis or period not in options:
            notices.append(f"The snapshot has no complete period '{period.key}' on this basis; using the default instead.")
            continue
        st.session_state[key] = period
    return notices


def sidebar(snapshot: Snapshot) -> Selection:
    """Draw the filters in the sidebar, put them in the URL, and return the selection.

    Every page calls this first, so the filters are the same on every page and survive
    page changes.
    """
    if STORED not in st.session_state:
        st.session_state["url_notices"] = _read_url(snapshot)
    else:
        st.session_state.update(st.session_state[STORED])
    for notice in st.session_state.get("url_notices", []):
        st.warning(notice, icon=":material/warning:")
    with st.sidebar:
        st.header("Filters")
        areas = cached.areas(snapshot.version)
        area = st.selectbox(
            "Area",
            areas,
            format_func=lambda a: a.label if a.level != "Borough" else f"    {a.name}",
            key="area",
            on_change=_remember,
            args=("area",),
            help="All London, one of the Met's 12 Basic Command Units (BCUs), or a borough (listed under its BCU).",
        )
        basis = st.radio("Period basis", list(BASES), format_func=BASES.get, key="basis", on_change=_remember, args=("basis",))
        options = snapshot.selectable_periods(basis)
        if st.session_state.get("period") not in options:
            st.session_state["period"] = default_period(options, basis)
        period = st.selectbox("Year", options, format_func=lambda p: f"{p.label} ({p.span})", key="period", on_change=_remember, args=("period",))
        comparisons = [p for p in options if p != period]
        if st.session_state.get("compare") not in comparisons:
            st.session_state["compare"] = default_comparison(period, options)
        comparison = st.selectbox(
            "Compared with", comparisons, format_func=lambda p: f"{p.label} ({p.span})", key="compare", on_change=_remember, args=("compare",)
        )
    selection = Selection(area, basis, period, comparison)
    st.session_state[STORED] = {"area": area, "basis": basis, "period": period, "compare": comparison}
    write_url(selection)
    return selection


def select_borough_from_map(chart_key: str) -> None:
    """on_select callback of a borough map: make the clicked borough the selected area."""
    points = st.session_state[chart_key].selection.points
    borough = borough_with_code(points[0].get("location") if points else None, cached.snapshot().areas)
    if borough is not None:
        st.session_state["area"] = borough
        _remember("area")


def write_url(selection: Selection) -> None:
    """Put the selection in the URL so a copied link opens the same view (a page's own settings,
    see :func:`page_setting`, are left as they are)."""
    wanted = {"area": selection.area.key, "basis": selection.basis, "period": selection.period.key, "compare": selection.comparison.key}
    for key in [k for k in st.query_params if k not in (*URL_KEYS, *PAGE_KEYS)]:
        del st.query_params[key]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def page_setting(url_key: str, widget_key: str, allowed: Mapping[str, object]) -> None:
    """Seed a page's widget from the link once (``allowed``: URL text -> widget value); values not allowed are ignored."""
    text = st.query_params.get(url_key)
    if widget_key not in st.session_state and text is not None and text in allowed:
        st.session_state[widget_key] = allowed[text]


def keep_in_url(settings: dict[str, str]) -> None:
    """Put a page's own settings (e.g. the measure shown) in the URL."""
    for key, value in settings.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def link_to_this_view() -> None:
    """The whole view's address, for sharing: a sidebar button opening a box with a copy button
    (st.code). The box is drawn only once opened, so pages do not load the code box's 1.5 MB of
    syntax highlighting until a reader asks for the link."""
    base = st.context.url
    if base:
        with st.sidebar:
            box = st.popover("Link to this view", icon=":material/link:", key="link-to-this-view", on_change="rerun")
            if box.open:
                with box:
                    st.code(f"{base}?{urlencode(st.query_params.to_dict())}", language=None, wrap_lines=True)
