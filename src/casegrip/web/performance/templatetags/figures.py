"""Showing figures: values in their measure's units, suppressed ones as "c", RAG as tags."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from casegrip.measures.disclosure import SUPPRESSED
from casegrip.measures.model import Kind, Measure

register = template.Library()

RAG_TAGS = {
    "red": ("govuk-tag--red", "Red"),
    "amber": ("govuk-tag--orange", "Amber"),
    "green": ("govuk-tag--green", "Green"),
}
DIRECTIONS = {
    "improving": ("↑", "Improving"),
    "worsening": ("↓", "Worsening"),
    "no change": ("→", "No change"),
    "up": ("↑", "Up"),
    "down": ("↓", "Down"),
}


SUPPRESSED_HTML = mark_safe(
    '<abbr title="Suppressed: a count below the disclosure threshold">c</abbr>'
)


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


@register.simple_tag
def figure(measure: Measure, value) -> str:
    """A value in the measure's units: 85.5%, 41.2 per 10,000, 37 children."""
    if value is None or value == "":
        return mark_safe('<span class="cg-figure--none">No figure</span>')
    if value == SUPPRESSED:
        return SUPPRESSED_HTML
    if measure.kind is Kind.PROPORTION:
        return f"{_number(value)}%"
    return _number(value)


@register.filter
def count(value) -> str:
    if value == SUPPRESSED:
        return SUPPRESSED_HTML
    return f"{value:,}" if isinstance(value, int) else str(value)


@register.simple_tag
def rag_tag(rag) -> str:
    found = RAG_TAGS.get(str(rag))
    if not found:
        return mark_safe('<span class="govuk-body-s">No target</span>')
    return format_html('<strong class="govuk-tag {}">{}</strong>', *found)


@register.simple_tag
def travel(direction: str) -> str:
    found = DIRECTIONS.get(direction)
    if not found:
        return ""
    arrow, words = found
    css = {"Improving": "cg-travel--better", "Worsening": "cg-travel--worse"}.get(words, "")
    return format_html(
        '<span class="cg-travel {}"><span aria-hidden="true">{}</span> {}</span>', css, arrow, words
    )


@register.filter
def number(value) -> str:
    if value is None:
        return ""
    return _number(value)
