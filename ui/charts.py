"""Plotly figures and their table alternatives. Colour-blind-safe (Okabe-Ito) colours;
the selected and comparison periods are also told apart by pattern and label."""

from __future__ import annotations

import math
import pickle
import textwrap
from collections.abc import Callable
from typing import TypeAlias

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from indicators.tables import csv_bytes, for_screen
from loaders.snapshot_files import CITY_OF_LONDON_CODE
from ui import boundaries
from ui.cached import FrameCall
from ui.keyword_cache import by_keyword

BLUE, ORANGE, GREY, BLACK, GREEN = "#0072B2", "#E69F00", "#BBBBBB", "#000000", "#009E73"
FONT = dict(family="sans-serif", size=13)


def _content(frame: pd.DataFrame) -> bytes:
    """A frame's whole content (values, dtypes, index) as bytes: what a cache key needs, five times
    faster than Streamlit's own hashing of a frame (pandas' row hashes) on the small frames charts draw."""
    return pickle.dumps(frame, protocol=5)


#: Every figure builder below is cached on its arguments and shared by every session that draws the
#: same chart, so the server builds each figure once per snapshot. A cached figure is never changed
#: after it is built (st.plotly_chart only reads it). Its frame is given either as a frame, keyed on
#: its content, or as the cached call that makes it (ui.cached.FrameCall), keyed on that call.
shared_figure = by_keyword(st.cache_resource(show_spinner=False, max_entries=256, hash_funcs={pd.DataFrame: _content, FrameCall: FrameCall.key}))

#: A chart's frame: the frame itself, or the cached call that makes it.
Frame: TypeAlias = pd.DataFrame | FrameCall


def _read(frame: Frame) -> pd.DataFrame:
    return frame() if isinstance(frame, FrameCall) else frame


def _plain(values: pd.Series) -> list:
    """A column as a plain list for a trace. Plotly keeps a pandas or numpy column as a numpy array
    and converts each array again every time the chart is drawn (on every rerun): about 0.1 ms an
    array, two thirds of the time of drawing a chart. A list it sends as it is (the browser gets the same values)."""
    return values.tolist()


def _months(months: pd.Series) -> list[str]:
    """Month starts as 'YYYY-MM-DD' text for a trace (see :func:`_plain`), which Plotly reads as dates."""
    return months.dt.strftime("%Y-%m-%d").tolist()


def _layout(fig: go.Figure, title: str, y_label: str, note: str, stamp: str, height: int = 380) -> go.Figure:
    """Title states the finding; the subtitle carries the data-through date and source, then the
    snapshot's ``stamp`` (see :func:`_stamped`)."""
    fig.update_layout(
        title=dict(text=title, font=dict(size=16), subtitle=dict(text=note, font=dict(size=12, color="#444"))),
        yaxis_title=y_label,
        font=FONT,
        height=height,
        margin=dict(l=10, r=40, t=80, b=70),
        plot_bgcolor="white",
        # No Plotly template: Streamlit's theme styles the chart, and Plotly's default one would add
        # 3.7 kB to every chart sent to the browser.
        template=go.layout.Template(),
        # at the foot of the whole figure, not of the plot: never on top of (rotated) axis labels
        legend=dict(orientation="h", yref="container", yanchor="bottom", y=0.01, xanchor="left", x=0),
    )
    fig.update_yaxes(gridcolor="#E5E5E5", rangemode="tozero")
    return _stamped(fig, stamp)


@shared_figure
def period_bars(periods: Frame, column: str, selected: str, compared: str, title: str, y_label: str, note: str, stamp: str) -> go.Figure:
    """One bar per complete period, height from ``column`` ('value' or 'rate_per_100k'); the
    selected and compared periods are labelled and patterned."""
    periods = _read(periods)
    complete = periods[periods["complete"]].assign(value=lambda f: f[column])
    role = complete["period"].map({selected: "selected", compared: "compared with"}).fillna("other years")
    fig = go.Figure()
    for name, colour, pattern in (("other years", GREY, ""), ("compared with", ORANGE, "/"), ("selected", BLUE, "")):
        part = complete[role == name]
        fig.add_bar(
            x=_plain(part["label"]),
            y=_plain(part["value"]),
            name=name,
            marker=dict(color=colour, pattern_shape=pattern, line=dict(color=BLACK, width=1 if name != "other years" else 0)),
            text=_plain(part["value"].map(_number)),
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,}<extra>" + name + "</extra>",
        )
    labels = complete["label"].tolist()
    # At most about a dozen labels, counted back from the latest, so that they do not overlap on a phone
    # (21 financial years did at 390 px); the selected and compared periods are always named.
    step = math.ceil(len(labels) / 12) or 1
    named = set(labels[::-step]) | set(complete.loc[role != "other years", "label"])
    fig.update_xaxes(
        categoryorder="array",
        categoryarray=labels,
        tickangle=-45 if len(labels) > 8 else 0,
        automargin=True,
        tickvals=[label for label in labels if label in named],
    )
    return _layout(fig, title, y_label, note, stamp)


@shared_figure
def monthly_chart(monthly: Frame, title: str, y_label: str, note: str, stamp: str) -> go.Figure:
    monthly = _read(monthly)
    fig = go.Figure()
    fig.add_bar(
        x=_months(monthly["month"]), y=_plain(monthly["value"]), name="month", marker_color=GREY, hovertemplate="%{x|%b %Y}: %{y:,}<extra></extra>"
    )
    fig.add_scatter(
        x=_months(monthly["month"]),
        y=_plain(monthly["rolling_12_month_average"]),
        name="12-month rolling average per month",
        mode="lines",
        line=dict(color=BLUE, width=3),
        hovertemplate="%{x|%b %Y}: %{y:,.1f}<extra>12-month average</extra>",
    )
    return _layout(fig, title, y_label, note, stamp)


@shared_figure
def ranked_bars(breakdown: Frame, column: str, highlight: str | None, title: str, x_label: str, note: str, stamp: str) -> go.Figure:
    """Horizontal bars in the breakdown's order (largest first), length from ``column``; the
    selected area is blue and marked '(selected)'."""
    ranked = _read(breakdown).iloc[::-1].assign(value=lambda f: f[column])
    names = [f"{area} (selected)" if area == highlight else area for area in ranked["area"]]
    fig = go.Figure(
        go.Bar(
            x=_plain(ranked["value"]),
            y=names,
            orientation="h",
            marker_color=[BLUE if area == highlight else GREEN for area in ranked["area"]],
            text=_plain(ranked["value"].map(_number)),
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title=x_label, gridcolor="#E5E5E5", nticks=5)
    return _layout(fig, title, "", note, stamp, height=max(340, 24 * len(ranked) + 130))


def _number(value) -> str:
    if pd.isna(value):
        return ""
    return f"{value:,.1f}" if float(value) % 1 else f"{value:,.0f}"


def table_download(table: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str, shown: pa.Table | None = None) -> None:
    """A table as readers see it (plain headers, thousands separators, blanks for no value) and a
    CSV download of exactly its rows for analysts (indicators/tables.py), written when clicked; the file
    name is made safe. A table drawn on every rerun passes ``shown``, its screen form made once and
    cached (as Arrow, which Streamlit sends as it is), and ``table`` as a function for the CSV."""
    rows = table if callable(table) else lambda: table
    st.dataframe(for_screen(rows()) if shown is None else shown, hide_index=True, key=f"table-{key}")
    safe_name = file_name.replace("/", "-").replace(" ", "_")
    st.download_button("Download CSV", lambda: csv_bytes(rows()), file_name=safe_name, mime="text/csv", key=f"csv-{key}", on_click="ignore")


def image_config(file_name: str) -> dict:
    """Plotly's own "download as image" names the file after what the chart shows (the CSV's name without .csv)."""
    stem = file_name.removesuffix(".csv").replace("/", "-").replace(" ", "_")
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": stem, "scale": 2}}


def map_config(file_name: str, version: str) -> dict:
    """A borough map's Plotly config: :func:`image_config`, and its base map from this server (ui/boundaries.py)."""
    return image_config(file_name) | {"topojsonURL": boundaries.base_map_folder(version)}


#: Characters a title (16 px) and a subtitle (12 px) line may hold: Plotly does not wrap text, and a
#: phone 390 px wide shows about this much (about 61 subtitle characters; at 64 the snapshot's version was
#: cut off); longer titles break onto more lines instead of being cut off.
TITLE_LINE, SUBTITLE_LINE = 46, 58


def _stamped(fig: go.Figure, stamp: str) -> go.Figure:
    """Add the snapshot's version and date to the subtitle, so an exported image says where it came
    from, and break title and subtitle into lines that fit a phone, at spaces only ("victim-level" stays
    whole; the top margin grows to hold the lines)."""
    title = textwrap.wrap(fig.layout.title.text or "", TITLE_LINE, break_on_hyphens=False)
    subtitle = textwrap.wrap(f"{fig.layout.title.subtitle.text or ''} {stamp}".strip(), SUBTITLE_LINE, break_on_hyphens=False)
    fig.update_layout(
        title_text="<br>".join(title),
        title_subtitle_text="<br>".join(subtitle),
        title_yref="container",  # the title block hangs from the top, so the margin below it is all free space
        title_y=1,
        title_yanchor="top",
        title_pad_t=10,
        margin_t=46 + 22 * len(title) + 18 * len(subtitle),
        height=(fig.layout.height or 380) + 21 * (len(title) - 1) + 16 * (len(subtitle) - 1),
    )
    return fig


def table_on_request(label: str, table: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str) -> None:
    """A collapsed box that draws its table and CSV download only once a reader opens it (``table``
    may be a function, called then): until then the browser is sent neither the rows nor the
    data grid's code (~1.3 MB), and the server does not compute them. Its open state is kept in
    the session as ``open-<key>``."""
    box = st.expander(label, key=f"open-{key}", on_change="rerun")
    if box.open:
        with box:
            table_download(table, file_name, key)


def show(fig: go.Figure, table: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str) -> None:
    """The chart (built with the snapshot's stamp; its image export named after ``file_name``), then,
    on request, its numbers as a table and a CSV download of exactly those numbers (``table`` may be a
    function, called only once the box is opened)."""
    st.plotly_chart(fig, key=f"chart-{key}", config=image_config(file_name))
    table_on_request("Table of the numbers in this chart", table, file_name, key)


#: The selected area's outline, in px: thicker than the BCU lines (1.5), thin enough that a small
#: borough (Tower Hamlets on a phone, drawn about 25 px across) is not filled in by it.
THICK = 3
#: A choropleth fill nobody sees: outline-only layers draw just their borders.
CLEAR = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]


def _outlines(geojson: str | dict, featureidkey: str, locations: tuple[str, ...], colour: str, width: float) -> go.Choropleth:
    """Borders of some features of a boundary file (its address, or the features embedded), no fill,
    not hoverable (clicks reach the boroughs below)."""
    return go.Choropleth(
        geojson=geojson,
        featureidkey=featureidkey,
        locations=locations,
        z=[0] * len(locations),
        colorscale=CLEAR,
        showscale=False,
        marker_line_color=colour,
        marker_line_width=width,
        hoverinfo="skip",
    )


@shared_figure
def borough_map(
    values: Frame,
    version: str,
    bcu_names: tuple[str, ...],
    highlight: tuple[str, ...],
    highlight_bcu: str | None,
    title: str,
    colour_label: str,
    note: str,
    stamp: str,
) -> go.Figure:
    """Choropleth of boroughs (values: borough_code, borough, value); BCU outlines in black;
    the selected area outlined thick; City of London (not policed by the Met) grey.

    The two boundary files are given by address (ui/boundaries.py), not embedded: the browser loads
    them once. Each address is named by one layer; the few shapes drawn again on top (the City of
    London, the selected borough or BCU) are embedded (``boundaries.features``). A Plotly geo map
    with no base layer, fitted in the browser to the boroughs at any width; draw it with
    :func:`map_config`, so that nothing is fetched from outside (it works offline).
    """
    values = _read(values)
    fig = go.Figure()
    boroughs_url, bcus_url = boundaries.url("boroughs", version), boundaries.url("bcus", version)
    fig.add_choropleth(
        geojson=boundaries.features("boroughs", version, (CITY_OF_LONDON_CODE,)),
        locations=[CITY_OF_LONDON_CODE],
        z=[0],
        featureidkey="properties.GSS_CODE",
        colorscale=[[0, "#D9D9D9"], [1, "#D9D9D9"]],
        showscale=False,
        marker_line_color="white",
        hovertemplate="City of London: policed by the City of London Police, not in these figures<extra></extra>",
    )
    fig.add_choropleth(
        geojson=boroughs_url,
        locations=_plain(values["borough_code"]),
        z=_plain(values["value"]),
        featureidkey="properties.GSS_CODE",
        customdata=_plain(values["borough"]),
        colorscale="Viridis",
        reversescale=True,
        marker_line_color="white",
        marker_line_width=0.6,
        colorbar=dict(title=dict(text=colour_label, side="right"), thickness=14),
        hovertemplate="%{customdata}: %{z:,.1f}<extra></extra>",
    )
    fig.add_trace(_outlines(bcus_url, "properties.BCU", bcu_names, BLACK, 1.5))
    if highlight_bcu is not None:
        fig.add_trace(_outlines(boundaries.features("bcus", version, (highlight_bcu,)), "properties.BCU", (highlight_bcu,), BLACK, THICK))
    if highlight:
        fig.add_trace(_outlines(boundaries.features("boroughs", version, highlight), "properties.GSS_CODE", highlight, ORANGE, THICK))
    west, east, south, north = boundaries.extent("boroughs", version)
    geo = dict(visible=False, projection_type="mercator", lonaxis_range=[west, east], lataxis_range=[south, north])
    fig.update_layout(showlegend=False, geo=geo)
    return _layout(fig, title, "", note, stamp, height=560)


@shared_figure
def simple_bars(table: pd.DataFrame, category: str, value: str, title: str, y_label: str, note: str, stamp: str) -> go.Figure:
    """One labelled bar per category."""
    fig = go.Figure(
        go.Bar(
            x=_plain(table[category]),
            y=_plain(table[value]),
            marker_color=BLUE,
            text=_plain(table[value].map(_number)),
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    return _layout(fig, title, y_label, note, stamp)


@shared_figure
def monthly_outcomes(monthly: pd.DataFrame, title: str, note: str, stamp: str) -> go.Figure:
    """Lines for searches, positive outcomes, arrests and linked positive outcomes per month;
    each line has its own dash pattern as well as colour."""
    fig = go.Figure()
    for column, colour, dash in (
        ("searches", BLUE, "solid"),
        ("positive_outcomes", ORANGE, "dash"),
        ("arrests", GREEN, "dot"),
        ("linked_positive", BLACK, "dashdot"),
    ):
        fig.add_scatter(
            x=_months(monthly["month"]),
            y=_plain(monthly[column]),
            name=column.replace("_", " "),
            mode="lines+markers",
            line=dict(color=colour, dash=dash),
        )
    return _layout(fig, title, "weapons searches per month", note, stamp)
