"""The exception hierarchy. Every user-facing failure is one of these, caught once at the CLI edge."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import click


class ProblemKind(str, Enum):
    """What kind of thing is wrong with the input; warnings are grouped and summarised by kind."""

    ERROR = "error"  # nothing can be built from this file
    SKIPPED = "skipped"  # one entry left out, the rest read
    MERGED = "merged"  # records of the same work from different files merged: a note, never fatal
    DUPLICATE = "duplicate"  # a record merged into an earlier one of the same file
    IGNORED = "ignored"  # a value left out or a field ignored (a bad DOI, link or date, an unknown field)
    EMPTY = "empty"  # a file with no papers in it


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, pointing at a file and line (line 0: the whole file).

    fatal: nothing is built. Otherwise a warning (fatal under --strict, except MERGED), with kind
    saying what kind of warning (see ProblemKind).
    """

    path: str
    line: int
    message: str
    fatal: bool = True
    kind: ProblemKind = ProblemKind.ERROR

    @property
    def fails_strict(self) -> bool:
        return self.kind != ProblemKind.MERGED

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class PapersiteError(click.ClickException):
    """A failure the user can act on; the CLI prints the message and exits with exit_code."""

    exit_code = 1


class InputError(PapersiteError):
    """The paper list has problems; every one of them is listed, one `FILE:LINE: message` per line."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConfigError(PapersiteError):
    """The configuration or the command line is wrong."""

    exit_code = 2


class WriteError(PapersiteError):
    """The output folder cannot be written safely (path escape, slug clash, hand-written file in the way)."""

    exit_code = 1


class DeployError(PapersiteError):
    """The site cannot be published (no git repository, no remote, the push failed)."""

    exit_code = 1
