"""The questionnaire model: declared in TOML, validated with pydantic, no eval anywhere."""

import string
import tomllib
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    ValidationError,
    model_validator,
)

from bot.domain.textnorm import fold

QuestionType = Literal["int", "percent", "yes_no", "choice", "text", "file"]
ColumnType = Literal["int", "text", "yes_no"]
NUMERIC_TYPES = frozenset({"int", "percent"})

# Cap for int answers without an explicit max: fits a 32-bit column in any database and
# is far above any real count of people or classes.
INT_LIMIT = 1_000_000_000
PERCENT_LIMIT = 100
TEXT_MAX_LENGTH = 1000
COLUMN_TEXT_MAX_LENGTH = 200
TABLE_MAX_ROWS = 1000

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$", max_length=64)]
Label = Annotated[str, Field(min_length=1, max_length=100)]
Share = Annotated[float, Field(ge=0, le=1)]
Number = StrictInt | StrictFloat


class QuestionnaireError(ValueError):
    """A questionnaire file is invalid; the message is one line naming file, item and problem."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Model):
    """One column of a `file` (table) question."""

    key: Key
    label: Label
    type: ColumnType = "text"
    required: bool = True
    min: StrictInt | None = None
    max: StrictInt | None = None

    @model_validator(mode="after")
    def _bounds(self) -> "Column":
        if self.type != "int" and (self.min is not None or self.max is not None):
            raise ValueError(f"column '{self.key}': min/max apply only to int columns")
        lo, hi = self.bounds
        if not 0 <= lo <= hi <= INT_LIMIT:
            raise ValueError(f"column '{self.key}': need 0 ≤ min ≤ max ≤ {INT_LIMIT}")
        return self

    @property
    def bounds(self) -> tuple[int, int]:
        """Effective (min, max) of an int column: counts are never negative."""
        return (0 if self.min is None else self.min, INT_LIMIT if self.max is None else self.max)


class Question(_Model):
    key: Key
    label: Label
    type: QuestionType
    required: bool = True
    min: Number | None = None
    max: Number | None = None
    choices: tuple[Label, ...] = ()
    depends_on: str | None = None
    hint: Annotated[str, Field(max_length=300)] | None = None
    max_length: Annotated[int, Field(ge=1, le=10_000)] | None = None
    columns: tuple[Column, ...] = ()
    max_rows: Annotated[int, Field(ge=1, le=10_000)] | None = None

    @model_validator(mode="after")
    def _fits_type(self) -> "Question":
        numeric = self.type in NUMERIC_TYPES
        if not numeric and (self.min is not None or self.max is not None):
            raise ValueError(f"min/max apply only to int and percent, not {self.type}")
        if self.type == "int" and any(isinstance(v, float) for v in (self.min, self.max)):
            raise ValueError("min and max of an int question must be integers")
        if numeric:
            lo, hi = self.bounds
            if lo > hi:
                raise ValueError("min must be ≤ max")
            if lo < 0 or hi > self.bounds_limit:
                raise ValueError(f"bounds must lie within 0..{self.bounds_limit}")
        if (self.type == "choice") != bool(self.choices):
            raise ValueError("choices are required for choice questions and only for them")
        if len({fold(c) for c in self.choices}) != len(self.choices):
            raise ValueError("choices must differ (case and ё/е ignored)")
        if self.type != "text" and self.max_length is not None:
            raise ValueError("max_length applies only to text")
        if (self.type == "file") != bool(self.columns):
            raise ValueError("columns are required for file questions and only for them")
        if self.type != "file" and self.max_rows is not None:
            raise ValueError("max_rows applies only to file")
        if len({c.key for c in self.columns}) != len(self.columns):
            raise ValueError("column keys must be unique")
        return self

    @property
    def row_limit(self) -> int:
        return TABLE_MAX_ROWS if self.max_rows is None else self.max_rows

    @property
    def text_limit(self) -> int:
        return TEXT_MAX_LENGTH if self.max_length is None else self.max_length

    @property
    def bounds_limit(self) -> int:
        return PERCENT_LIMIT if self.type == "percent" else INT_LIMIT

    @property
    def bounds(self) -> tuple[int | float, int | float]:
        """Effective (min, max) of a numeric question: counts are never negative."""
        lo = 0 if self.min is None else self.min
        hi = self.bounds_limit if self.max is None else self.max
        return lo, hi


class Rule(_Model):
    """`lte = ["a", "b"]`: the answer to a must not exceed the answer to b."""

    lte: tuple[Key, Key]
    # Optional wording for the a-side violation; may use {a} and {b} (the two values).
    message: Annotated[str, Field(min_length=1, max_length=300)] | None = None

    @model_validator(mode="after")
    def _template_is_safe(self) -> "Rule":
        if self.message is not None:
            try:
                fields = [
                    f for _, f, _, _ in string.Formatter().parse(self.message) if f is not None
                ]
            except ValueError as exc:
                raise ValueError(f"message: {exc}") from None
            # Only bare {a}/{b}: attribute or index access would let a template reach
            # into Python objects.
            if any(f not in ("a", "b") for f in fields):
                raise ValueError("message may use only {a} and {b}")
        return self


class Indicator(_Model):
    """A derived share, numerator / denominator, both int questions."""

    key: Key
    label: Label
    numerator: Key
    denominator: Key
    goal: Share | None = None
    warn_below: Share | None = None

    @model_validator(mode="after")
    def _thresholds(self) -> "Indicator":
        if self.goal is not None and self.warn_below is not None and self.warn_below > self.goal:
            raise ValueError("warn_below must be ≤ goal")
        return self


class Questionnaire(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    version: Annotated[int, Field(ge=1)]
    title: Label
    questions: tuple[Question, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = ()
    indicators: tuple[Indicator, ...] = ()

    _by_key: dict[str, Question] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> "Questionnaire":
        _check_references(self)
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._by_key = {q.key: q for q in self.questions}

    def question(self, key: str) -> Question:
        """The question with this key; KeyError if there is none."""
        return self._by_key[key]

    def applicable(self, answers: Mapping[str, object]) -> list[Question]:
        """Questions to ask given the answers so far: depends_on needs a «Да» that was itself asked."""
        asked: set[str] = set()
        result = []
        for q in self.questions:
            if q.depends_on is None or (
                q.depends_on in asked and answers.get(q.depends_on) is True
            ):
                asked.add(q.key)
                result.append(q)
        return result

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored with each round so it keeps the version it started with."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<stored>") -> "Questionnaire":
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise QuestionnaireError(_describe(exc, data, source)) from None


def _check_references(qn: Questionnaire) -> None:
    """Keys unique, labels distinct, and every reference pointing at a question of the right type."""
    seen: dict[str, Question] = {}
    labels: dict[str, str] = {}
    for q in qn.questions:
        where = f"question '{q.key}'"
        if q.key in seen:
            raise ValueError(f"{where}: duplicate key")
        if fold(q.label) in labels:
            raise ValueError(f"{where}: label duplicates question '{labels[fold(q.label)]}'")
        if q.depends_on is not None:
            parent = seen.get(q.depends_on)
            if q.depends_on == q.key:
                raise ValueError(f"{where}: depends_on points to itself")
            if parent is None:
                # Declaring the parent earlier also rules out cycles: the dialog asks in order.
                known = any(p.key == q.depends_on for p in qn.questions)
                problem = "must be declared before it (no cycles)" if known else "is not a question"
                raise ValueError(f"{where}: depends_on '{q.depends_on}' {problem}")
            if parent.type != "yes_no":
                raise ValueError(f"{where}: depends_on '{q.depends_on}' must be a yes_no question")
        seen[q.key] = q
        labels[fold(q.label)] = q.key

    for i, rule in enumerate(qn.rules, start=1):
        a, b = rule.lte
        where = f"rule #{i} (lte {a}, {b})"
        for key in (a, b):
            if key not in seen:
                raise ValueError(f"{where}: '{key}' is not a question")
        if a == b:
            raise ValueError(f"{where}: compares a question with itself")
        if seen[a].type not in NUMERIC_TYPES or seen[a].type != seen[b].type:
            raise ValueError(f"{where}: both questions must be int, or both percent")

    indicator_keys: set[str] = set()
    for ind in qn.indicators:
        where = f"indicator '{ind.key}'"
        if ind.key in seen or ind.key in indicator_keys:
            raise ValueError(f"{where}: key is already used")
        indicator_keys.add(ind.key)
        for role, key in (("numerator", ind.numerator), ("denominator", ind.denominator)):
            if key not in seen:
                raise ValueError(f"{where}: {role} '{key}' is not a question")
            if seen[key].type != "int":
                raise ValueError(f"{where}: {role} '{key}' must be an int question")
        if ind.numerator == ind.denominator:
            raise ValueError(f"{where}: numerator and denominator are the same question")


def _describe(exc: ValidationError, data: object, source: str) -> str:
    """The first pydantic error as one line: file, item (by key where possible), problem."""
    errors = exc.errors()
    err = errors[0]
    loc = list(err["loc"])
    where = []
    if len(loc) >= 2 and loc[0] in ("questions", "rules", "indicators") and isinstance(loc[1], int):
        where.append(_item_name(data, str(loc[0]), loc[1]))
        loc = loc[2:]
    problem = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        problem = f"unknown field '{loc.pop()}'"
    elif err["type"] == "missing":
        problem = f"'{loc.pop()}' is required"
    elif err["type"] == "string_pattern_mismatch":
        problem = f"{loc.pop()} {err['input']!r} must be lowercase snake_case"
    if loc:
        where.append(".".join(map(str, loc)))
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return ": ".join([source, *where, problem]) + more


def _item_name(data: object, section: str, index: int) -> str:
    noun = {"questions": "question", "rules": "rule", "indicators": "indicator"}[section]
    try:
        key = data[section][index].get("key")  # type: ignore[index]
    except (TypeError, KeyError, IndexError, AttributeError):
        key = None
    return f"{noun} '{key}'" if isinstance(key, str) else f"{noun} #{index + 1}"


def parse_questionnaire(text: str, source: str) -> Questionnaire:
    """Parse TOML text; `source` (a file name) starts every error message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(f"{source}: invalid TOML: {exc}") from None
    return Questionnaire.from_dict(data, source)
