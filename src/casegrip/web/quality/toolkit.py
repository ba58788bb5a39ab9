"""Audit tools and grading schemes as versioned data.

A tool is a YAML file in ``tools/`` (sections, questions, themes, limiting questions) and is
copied into the database when first installed; an audit keeps the tool version it was done with,
so a new version never changes a past audit. This module reads and checks the definitions; it
does not import Django.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

TOOLS_DIR = Path(__file__).with_name("tools")

ANSWER_TYPES = {
    "yes_no": "Yes or no",
    "yes_no_na": "Yes, no or not applicable",
    "grade": "A grade on the tool's scale",
    "scale": "A score from 0 to 10",
    "text": "Free text",
}
YES_NO_CHOICES = {"yes": "Yes", "no": "No", "na": "Not applicable"}


class ToolError(ValueError):
    """A tool or grading scheme definition that cannot be used, with the reason."""


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    rank: int
    good: bool


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    levels: tuple[Level, ...]  # best first

    def level(self, code: str) -> Level:
        for level in self.levels:
            if level.code == code:
                return level
        raise ToolError(f"{code!r} is not a grade of {self.name}")

    def rank(self, code: str) -> int:
        return self.level(code).rank

    @property
    def lowest(self) -> Level:
        return min(self.levels, key=lambda lv: lv.rank)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(lv.code, lv.label) for lv in self.levels]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answer: str
    theme: str | None
    guidance: str = ""
    mandatory: bool = True
    limiting: bool = False

    @property
    def choices(self) -> list[tuple[str, str]]:
        if self.answer == "yes_no":
            return [("yes", "Yes"), ("no", "No")]
        if self.answer == "yes_no_na":
            return list(YES_NO_CHOICES.items())
        if self.answer == "scale":
            return [(str(n), str(n)) for n in range(11)]
        return []


@dataclass(frozen=True)
class Section:
    title: str
    theme: str | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Theme:
    code: str
    label: str


@dataclass(frozen=True)
class ToolDefinition:
    slug: str
    name: str
    version: int
    kind: str
    grading_scheme: str
    description: str
    themes: tuple[Theme, ...]
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise ToolError(f"{self.name} v{self.version} has no question {question_id!r}")

    @property
    def limiting(self) -> list[Question]:
        return [q for q in self.questions if q.limiting]

    def theme_label(self, code: str) -> str:
        return next((t.label for t in self.themes if t.code == code), code)


def _need(data: dict, key: str, where: str) -> object:
    if key not in data or data[key] in (None, ""):
        raise ToolError(f"{where}: {key!r} is missing")
    return data[key]


def parse_scheme(data: dict) -> Scheme:
    where = f"grading scheme {data.get('code', '?')}"
    levels = tuple(
        Level(str(lv["code"]), str(lv["label"]), int(lv["rank"]), bool(lv.get("good", False)))
        for lv in _need(data, "levels", where)
    )
    if len({lv.code for lv in levels}) != len(levels) or len({lv.rank for lv in levels}) != len(
        levels
    ):
        raise ToolError(f"{where}: each level needs its own code and rank")
    return Scheme(str(_need(data, "code", where)), str(_need(data, "name", where)), levels)


def parse_tool(data: dict) -> ToolDefinition:
    """A tool definition, checked: unique question ids, known answer types, known themes."""
    where = f"audit tool {data.get('slug', '?')} v{data.get('version', '?')}"
    themes = tuple(Theme(str(t["code"]), str(t["label"])) for t in _need(data, "themes", where))
    theme_codes = {t.code for t in themes}
    sections, seen = [], set()
    for s in _need(data, "sections", where):
        theme = s.get("theme")
        if theme is not None and theme not in theme_codes:
            raise ToolError(f"{where}: section {s.get('title')!r} has unknown theme {theme!r}")
        questions = []
        for q in _need(s, "questions", f"{where}, section {s.get('title')!r}"):
            qid = str(_need(q, "id", where))
            if qid in seen:
                raise ToolError(f"{where}: question id {qid!r} is used twice")
            seen.add(qid)
            if q.get("answer") not in ANSWER_TYPES:
                raise ToolError(f"{where}: question {qid!r} has unknown answer {q.get('answer')!r}")
            if q.get("limiting") and q["answer"] != "yes_no":
                raise ToolError(f"{where}: limiting question {qid!r} must be answered yes or no")
            questions.append(
                Question(
                    id=qid,
                    text=str(_need(q, "text", where)),
                    answer=q["answer"],
                    theme=theme,
                    guidance=str(q.get("guidance", "")).strip(),
                    mandatory=bool(q.get("mandatory", q["answer"] != "text")),
                    limiting=bool(q.get("limiting", False)),
                )
            )
        sections.append(Section(str(_need(s, "title", where)), theme, tuple(questions)))
    if not seen:
        raise ToolError(f"{where}: a tool needs at least one question")
    if not themes:
        raise ToolError(f"{where}: a tool needs at least one theme to grade")
    return ToolDefinition(
        slug=str(_need(data, "slug", where)),
        name=str(_need(data, "name", where)),
        version=int(_need(data, "version", where)),
        kind=str(data.get("kind", "case")),
        grading_scheme=str(_need(data, "grading_scheme", where)),
        description=str(data.get("description", "")).strip(),
        themes=themes,
        sections=tuple(sections),
    )


def shipped() -> tuple[list[dict], list[dict]]:
    """The grading schemes and tools that ship with casegrip, as raw data (checked)."""
    schemes, tools = [], []
    for path in sorted(TOOLS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "levels" in data:
            parse_scheme(data)
            schemes.append(data)
        else:
            parse_tool(data)
            tools.append(data)
    return schemes, tools
