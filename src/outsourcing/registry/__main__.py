"""``python -m outsourcing.registry [URL]``: migrate a registry database to the newest schema."""

from .migrate import main

raise SystemExit(main())
