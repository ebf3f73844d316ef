"""Russian number formatting: decimal comma, space-grouped thousands, п. п. for changes."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from bot.domain import messages_ru as msg

# A normal space (not NBSP) before "%" and between digit groups, as in the district's
# own documents ("48,68 %"); one convention everywhere keeps exports and chats alike.
_SPACE = " "
_UP, _DOWN, _SAME = "▲", "▼", "="


def _round2(x: float) -> Decimal:
    # Half-up on the decimal representation, as a spreadsheet does: 0.125 -> 0,13 (binary
    # round() would give 0,12 and disagree with the district's own Excel figures).
    return Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_int(n: int) -> str:
    """12000 -> "12 000", 1200 -> "1200".

    Russian typography groups digits only from five digits up: «1200 педагогов», but
    «12 000 обучающихся».
    """
    return str(n) if abs(n) < 10_000 else f"{n:,}".replace(",", _SPACE)


def format_decimal(x: float, places: int = 2) -> str:
    """48.5 -> "48,5": at most `places` decimals, trailing zeros dropped."""
    q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace(".", ",")


def format_percent(ratio: float | None) -> str:
    """0.48684 -> "48,68 %"; None (no denominator) -> "—"."""
    if ratio is None:
        return msg.NO_ANSWER
    return f"{_round2(ratio * 100):f}".replace(".", ",") + _SPACE + "%"


def format_pp(change: float | None) -> str:
    """+1.234 -> "▲ 1,23 п. п."; the sign is decided after rounding, so 0.001 is "=" ."""
    if change is None:
        return msg.NO_ANSWER
    value = _round2(change)
    arrow = _UP if value > 0 else _DOWN if value < 0 else _SAME
    return f"{arrow} {abs(value):f}".replace(".", ",") + f" {msg.PP_UNIT}"


def plural(n: int, forms: Sequence[str]) -> str:
    """The form for n: ("школа", "школы", "школ") -> 1 школа, 3 школы, 11 школ, 21 школа."""
    one, few, many = forms
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def has_own_quotes(name: str) -> bool:
    return "«" in name


def quoted(name: str) -> str:
    """«Name» in Russian quotes, unless it carries its own (МКОУ «Дегвинская СОШ»): never
    «школа «МКОУ «Дегвинская СОШ»»»."""
    return name if has_own_quotes(name) else f"«{name}»"
