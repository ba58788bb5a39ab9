"""SQL text both validators and the findings file build by hand."""


def literal(value: str) -> str:
    """``value`` as a SQL text literal (a path, a code, a message)."""
    return "'" + value.replace("'", "''") + "'"
