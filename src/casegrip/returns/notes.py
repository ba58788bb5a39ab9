"""What a builder had to do that the data team should know: values the case record does not
hold, defaults written so that a file stays valid, codes it could not map."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildNote:
    table: str  # the return's table or element, e.g. "Header" or "ChildProtectionPlans"
    count: int | None  # how many rows or values it concerns; None: the whole table
    message: str

    def __str__(self) -> str:
        counted = f"{self.count:,} " if self.count else ""
        return f"{self.table}: {counted}{self.message}"
