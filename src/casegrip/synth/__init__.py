"""The synthetic authority: organisation, case record and oversight record, all invented.

    from casegrip.synth import synthesise, write_extract, calibration_report

    result = synthesise("city", years=5, seed=1)
    write_extract(result, Path("var/city"))
    for row in calibration_report(result): ...

The names load on first use, so that the web layer's ``casegrip.synth.organisation`` does not
bring in the case-record generator and Arrow with it.
"""

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "CalibrationRow": ".calibration",
    "calibration_report": ".calibration",
    "format_report": ".calibration",
    "SynthResult": ".case_record",
    "synthesise": ".case_record",
    "synthesise_england": ".case_record",
    "write_extract": ".case_record",
    "PROFILES": ".profiles",
    "Profile": ".profiles",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from .calibration import CalibrationRow as CalibrationRow
    from .calibration import calibration_report as calibration_report
    from .calibration import format_report as format_report
    from .case_record import SynthResult as SynthResult
    from .case_record import synthesise as synthesise
    from .case_record import synthesise_england as synthesise_england
    from .case_record import write_extract as write_extract
    from .profiles import PROFILES as PROFILES
    from .profiles import Profile as Profile


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
