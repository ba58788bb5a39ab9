"""Settings modules: ``base`` is shared; pick ``production``, ``demo``, ``development`` or ``test``."""
