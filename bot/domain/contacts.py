"""A school's contacts from the office's list: the head's name, a phone, an e-mail.

They are what an official needs to phone a school that has not answered, so phones are
written one way whatever the list had: «8(928)123-45-67», «+79281234567» and
«9281234567» all become «+7 928 123-45-67». Local numbers («2-21-45») stay as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NAME = 200
MAX_PHONE = 100
MAX_EMAIL = 200
_PHONE_CHARS = re.compile(r"[\d\s()+\-–.]+")
_SEPARATORS = re.compile(r"\s*[,;]\s*")
_EMAIL = re.compile(r"[^@\s,;<>()\"']+@[^@\s,;<>()\"']+\.[^@\s,;<>()\"'.]+")


@dataclass(frozen=True, slots=True)
class Contact:
    head_name: str | None = None
    phone: str | None = None
    email: str | None = None

    def parts(self) -> list[str]:
        """What is known, in the order an official reads it: who, then how to reach them."""
        return [part for part in (self.head_name, self.phone, self.email) if part]

    def __bool__(self) -> bool:
        return bool(self.parts())


class ContactError(ValueError):
    """The value is not a phone or an e-mail; the message says so in Russian."""


def normalize_phone(text: str) -> str:
    """One or several phones («…, …» or «…; …») in one form; ContactError if any is not."""
    numbers = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not numbers:
        raise ContactError("пустой телефон")
    result = ", ".join(_one_phone(number) for number in numbers)
    if len(result) > MAX_PHONE:
        raise ContactError(f"телефон длиннее {MAX_PHONE} символов")
    return result


def _one_phone(text: str) -> str:
    extension = ""
    match = re.search(r"\s*(?:доб\.?|доп\.?|ext\.?)\s*(\d{1,6})$", text, re.IGNORECASE)
    if match:
        extension, text = f" доб. {match.group(1)}", text[: match.start()]
    if not _PHONE_CHARS.fullmatch(text) or text.lstrip().startswith("-"):
        raise ContactError(f"«{text[:40]}» не похоже на номер телефона")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) == 10:
        return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}{extension}"
    if 5 <= len(digits) <= 7:  # a local number, written the way the district dials it
        return re.sub(r"\s+", " ", text.strip()) + extension
    raise ContactError(f"«{text[:40]}» не похоже на номер телефона")


def normalize_email(text: str) -> str:
    """One or several addresses, lower-cased; ContactError if any is not an address."""
    addresses = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not addresses or not all(_EMAIL.fullmatch(a) for a in addresses):
        raise ContactError(f"«{text[:60]}» не похоже на адрес электронной почты")
    result = ", ".join(address.lower() for address in addresses)
    if len(result) > MAX_EMAIL:
        raise ContactError(f"адрес длиннее {MAX_EMAIL} символов")
    return result
