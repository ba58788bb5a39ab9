"""Pieces the indicator definitions share."""

import ibis
import ibis.expr.types as ir

YES = ("Y", "y", "1", "true", "TRUE", "True", "Yes", "YES")


def is_yes(flag: ir.Value) -> ir.BooleanValue:
    """A Y/N flag as the case record holds it, with the variants extracts use."""
    return flag.isin(YES).fill_null(False)


def json_flag(text: ir.StringValue, key: str) -> ir.BooleanValue:
    """True when the JSON text sets ``key`` to yes (``"KEY": "Y"``, ``"KEY": true``, 1...).

    A regular expression rather than each engine's JSON functions, which differ; invalid JSON
    (reported by the checks) simply does not match."""
    pattern = rf'"{key}"\s*:\s*"?(Y|y|1|true|TRUE|True|Yes|YES)"?\s*[,}}]'
    return text.re_search(pattern).fill_null(False)


def rows(
    table: ir.Table,
    *,
    child_id: ir.Value,
    in_denominator: ir.BooleanValue | bool = True,
    in_numerator: ir.BooleanValue | bool,
    reason: ir.StringValue,
    value: ir.NumericValue | None = None,
    team_id: ir.Value | None = None,
    worker_id: ir.Value | None = None,
    **breakdowns: ir.Value,
) -> ir.Table:
    """Shape a measure's rows into the columns the runner expects, plus any breakdown columns
    of the measure's own (``legal_status=...``), as text. A missing flag counts as false."""
    return table.select(
        window_end=table.window_end,
        child_id=child_id.cast("string"),
        team_id=(team_id if team_id is not None else ibis.null()).cast("string"),
        worker_id=(worker_id if worker_id is not None else ibis.null()).cast("string"),
        in_denominator=_flag(in_denominator),
        in_numerator=_flag(in_numerator),
        value=(value if value is not None else ibis.null()).cast("float64"),
        reason=reason,
        **{name: column.cast("string") for name, column in breakdowns.items()},
    )


def _flag(value: ir.BooleanValue | bool) -> ir.BooleanValue:
    return ibis.literal(value) if isinstance(value, bool) else value.fill_null(False)


def yes_no_reason(condition: ir.BooleanValue, yes: str, no: str) -> ir.StringValue:
    return ibis.ifelse(condition, yes, no)
