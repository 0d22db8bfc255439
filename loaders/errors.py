"""The one error a public input (or the snapshot) raises when it cannot be used as it is."""

from __future__ import annotations

from pathlib import Path


class SourceError(ValueError):
    """A public input file cannot be used as it is: names the file, the column and the problem."""

    def __init__(self, file: str | Path, problem: str, column: str | None = None):
        self.file = str(file)
        self.column = column
        self.problem = problem
        where = f"{self.file}: column '{column}'" if column else self.file
        super().__init__(f"{where}: {problem}")
