"""Settings: ``base`` is shared; run with ``production``, ``demo``, ``development`` or ``test``."""
