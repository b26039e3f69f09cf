"""Identifiers of papers, cleaned to one form: DOIs, arXiv ids, dates and merge keys. Pure functions."""

from __future__ import annotations

import datetime
import re
from urllib.parse import quote

# new-style arXiv ids (0704.0001 on) and old-style ones (hep-th/9901001, math.GT/0309136), with a version
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
_ARXIV_BARE = re.compile(rf"^(?:arxiv:\s*)?{_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_URL = re.compile(rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ARXIV_ID}(?:\.pdf)?/?$", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")


def clean_doi(text: str) -> str:
    """The bare DOI in text ("10.1/x"), from a bare DOI, `doi:` or a doi.org URL; "" if it is none."""
    doi = _DOI_PREFIX.sub("", text.strip())
    return doi if _DOI.match(doi) else ""


def arxiv_id(text: str) -> str:
    """The versionless arXiv id in text ("arXiv:2401.01234v2", an abs/pdf URL, an arXiv DOI); "" if none."""
    match = arxiv_match(text)
    return match["id"] if match else ""


def arxiv_version(text: str) -> str:
    """The version suffix of an arXiv id or URL ("v2"), or ""."""
    match = arxiv_match(text)
    return f"v{match['version']}" if match and match["version"] else ""


def arxiv_match(text: str) -> re.Match[str] | None:
    text = text.strip()
    return _ARXIV_BARE.match(text) or _ARXIV_URL.match(text) or _ARXIV_DOI.match(text)


def arxiv_url(identifier: str) -> str:
    return f"https://arxiv.org/abs/{identifier}"


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()._-+")


def iso_date(text: str) -> str:
    """An ISO 8601 date prefix ("2024", "2024-05", "2024-05-03") from such text or a timestamp; "" if invalid."""
    match = _ISO_DATE.match(str(text).strip())
    if not match:
        return ""
    parts = [int(p) for p in match.groups() if p is not None]
    return date_from_parts(parts)


def date_from_parts(parts: list[int]) -> str:
    """ "2024", "2024-05" or "2024-05-03" from [year], [year, month] or [year, month, day]; "" if invalid."""
    if not parts or not 1000 <= parts[0] <= 2999:
        return ""
    try:
        datetime.date(*parts[:3], *([1] * (3 - len(parts[:3]))))
    except (TypeError, ValueError):
        return ""
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])


def date_parts(date: str) -> list[int]:
    """[year], [year, month] or [year, month, day] of an ISO date prefix; [] when it is not a valid date."""
    valid = iso_date(date)
    return [int(part) for part in valid.split("-")] if valid else []


def doi_key(doi: str) -> str:
    return doi.casefold()
