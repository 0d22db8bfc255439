"""Streamlit's cache decorators, with every call made by keyword.

For each *positional* argument of a cached call, Streamlit looks up the argument's name by
computing the function's signature again (``inspect.signature``, in ``_make_value_key``):
about 15 microseconds an argument, 0.2 ms for a figure builder's eight, some 6% of a claim
page's rerun. Given keywords, it takes the names as they come. :func:`by_keyword` computes the
signature once, when the function is decorated, and passes every argument by its name; the
cache key (names and values) is the same either way.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


def by_keyword(cache_decorator: Callable[[Callable], Callable]) -> Callable[[F], F]:
    """``cache_decorator`` (e.g. ``st.cache_data(show_spinner=False)``), calling the cached
    function with keyword arguments only."""

    def decorate(function: F) -> F:
        cached = cache_decorator(function)
        names = list(inspect.signature(function).parameters)

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            return cached(**dict(zip(names, args)), **kwargs)

        return cast(F, call)

    return decorate
