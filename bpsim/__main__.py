"""``python -m bpsim``: the same as the ``bpsim`` command."""

from bpsim.cli import main

raise SystemExit(main())
