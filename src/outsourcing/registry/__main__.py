"""``python -m outsourcing.registry [URL]``: migrate a registry database to the newest schema."""

from .cli import main

raise SystemExit(main())
