"""Deprecated: moved to :mod:`outsourcing.statement.parts` (the statement is one package).

Importing this module warns (``DeprecationWarning``) and gives the same names; it is
removed in the next release.
"""

import warnings

from .statement.parts import *  # noqa: F403
from .statement.parts import __all__ as __all__

warnings.warn("outsourcing.statement_parts is deprecated; import outsourcing.statement.parts",
              DeprecationWarning, stacklevel=2)
