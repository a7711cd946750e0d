"""``python -m catalog``: see ``catalog.serve``."""

from catalog.serve import main

raise SystemExit(main())
