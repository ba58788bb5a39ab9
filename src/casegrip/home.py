"""Where casegrip keeps everything it stores: one data directory.

The database file, snapshots of the case record, uploads and built packs all live under it, so
that backing up or moving an installation is copying one folder.
"""

import os
from pathlib import Path

DEFAULT_HOME = "var"


def data_dir() -> Path:
    """The data directory: ``CASEGRIP_HOME`` when set, else ``./var`` in the working directory."""
    return Path(os.environ.get("CASEGRIP_HOME") or DEFAULT_HOME).resolve()


def ensure_data_dir() -> Path:
    """The data directory and its standard sub-folders, created if missing."""
    home = data_dir()
    for sub in ("snapshots", "uploads", "packs", "static"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return home
