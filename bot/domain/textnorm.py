"""Normalising what people type on a phone before it is parsed."""

import re
import unicodedata

_SPACES = re.compile(r"[^\S\n]+")


def strip_invisible(raw: str) -> str:
    """Drop format characters (Unicode Cf) and unify line breaks.

    Zero-width spaces, joiners, BOM and RTL/LTR marks arrive from copy-paste and some
    keyboards; they are invisible, so the person cannot see why "45" is not a number.
    """
    kept = "".join(c for c in raw if unicodedata.category(c) != "Cf")
    return kept.replace("\r\n", "\n").replace("\r", "\n")


def clean(raw: str) -> str:
    """strip_invisible, then every kind of space (NBSP, thin, tab) as " ", each line stripped.

    NBSP and thin spaces are what phones and spreadsheets put between thousands.
    """
    lines = strip_invisible(raw).split("\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in lines).strip()


def fold(text: str) -> str:
    """Case- and ё-insensitive form for comparing labels and words."""
    return _SPACES.sub(" ", clean(text).casefold().replace("ё", "е")).strip()
