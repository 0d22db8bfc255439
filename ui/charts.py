"""Plotly figures and their table alternatives. Colour-blind-safe (Okabe-Ito) colours;
the selected and comparison periods are also told apart by pattern and label."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

BLUE, ORANGE, GREY, BLACK, GREEN = "#0072B2", "#E69F00", "#BBBBBB", "#000000", "#009E73"
FONT = dict(family="sans-serif", size=13)


def _layout(fig: go.Figure, title: str, y_label: str, note: str, height: int = 380) -> go.Figure:
    """Title states the finding; the subtitle carries the data-through date and source."""
    fig.update_layout(
        title=dict(text=title, font=dict(size=16), subtitle=dict(text=note, font=dict(size=12, color="#444"))),
        yaxis_title=y_label,
        font=FONT,
        height=height,
        margin=dict(l=10, r=40, t=80, b=40),
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=-0.3, xanchor="left", x=0),
    )
    fig.update_yaxes(gridcolor="#E5E5E5", rangemode="tozero")
    return fig


def period_bars(periods: pd.DataFrame, selected: str, compared: str, title: str, y_label: str, note: str) -> go.Figure:
    """One bar per complete period; the selected and compared periods are labelled and patterned."""
    complete = periods[periods["complete"]]
    role = complete["period"].map({selected: "selected", compared: "compared with"}).fillna("other years")
    fig = go.Figure()
    for name, colour, pattern in (("other years", GREY, ""), ("compared with", ORANGE, "/"), ("selected", BLUE, "")):
        part = complete[role == name]
        fig.add_bar(
            x=part["label"], y=part["value"], name=name, marker=dict(color=colour, pattern_shape=pattern, line=dict(color=BLACK, width=1 if name != "other years" else 0)),
            text=part["value"].map(_number), textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{y:,}<extra>" + name + "</extra>",
        )
    fig.update_xaxes(categoryorder="array", categoryarray=complete["label"].tolist(), tickangle=-45 if len(complete) > 8 else 0)
    return _layout(fig, title, y_label, note)


def monthly_chart(monthly: pd.DataFrame, title: str, y_label: str, note: str) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(x=monthly["month"], y=monthly["value"], name="month", marker_color=GREY, hovertemplate="%{x|%b %Y}: %{y:,}<extra></extra>")
    fig.add_scatter(
        x=monthly["month"], y=monthly["rolling_12_month_average"], name="12-month rolling average per month", mode="lines",
        line=dict(color=BLUE, width=3), hovertemplate="%{x|%b %Y}: %{y:,.1f}<extra>12-month average</extra>",
    )
    return _layout(fig, title, y_label, note)


def ranked_bars(breakdown: pd.DataFrame, highlight: str | None, title: str, x_label: str, note: str) -> go.Figure:
    """Horizontal bars, largest first; the selected area is blue and marked '(selected)'."""
    ranked = breakdown.iloc[::-1]
    names = [f"{area} (selected)" if area == highlight else area for area in ranked["area"]]
    fig = go.Figure(
        go.Bar(
            x=ranked["value"], y=names, orientation="h", marker_color=[BLUE if area == highlight else GREEN for area in ranked["area"]],
            text=ranked["value"].map(_number), textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    fig.update_xaxes(title=x_label, gridcolor="#E5E5E5", nticks=5)
    return _layout(fig, title, "", note, height=max(340, 24 * len(ranked) + 130))


def _number(value) -> str:
    if pd.isna(value):
        return ""
    return f"{value:,.1f}" if float(value) % 1 else f"{value:,.0f}"


def show(fig: go.Figure, table: pd.DataFrame, file_name: str, key: str) -> None:
    """The chart, then its numbers as a table and a CSV download of exactly those numbers."""
    st.plotly_chart(fig, key=f"chart-{key}", config={"displaylogo": False})
    with st.expander("Table of the numbers in this chart"):
        st.dataframe(table, hide_index=True, key=f"table-{key}")
        st.download_button(
            "Download CSV", table.to_csv(index=False).encode("utf-8"), file_name=file_name, mime="text/csv", key=f"csv-{key}", on_click="ignore"
        )
