"""``python -m indicators.engine``: see :mod:`indicators.engine.cli`."""

import sys

from indicators.engine.cli import main

sys.exit(main())
