"""Deprecated: moved to :mod:`outsourcing.statement.json` (the statement is one package).

Importing this module warns (``DeprecationWarning``) and gives the same names; it is
removed in the next release.
"""

import warnings

from .statement.json import *  # noqa: F403
from .statement.json import __all__ as __all__

warnings.warn("outsourcing.statement_json is deprecated; import outsourcing.statement.json",
              DeprecationWarning, stacklevel=2)
