"""A second floor: the bare app (benchmarks/bare_app.py) after importing the libraries the dashboard
loads (pandas, which loads pyarrow for its strings; numpy; pyarrow's parquet reader; Plotly's figure
classes). The dashboard against it shows what the project's own code and data add beyond its
libraries; the bare app alone is the issue's floor."""

import runpy
from pathlib import Path

import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import pyarrow.parquet  # noqa: F401

runpy.run_path(str(Path(__file__).with_name("bare_app.py")))
