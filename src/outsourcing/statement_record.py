"""Deprecated: moved to :mod:`outsourcing.statement.record` (the statement is one package).

Importing this module warns (``DeprecationWarning``) and gives the same names; it is
removed in the next release.
"""

import warnings

from .statement.record import *  # noqa: F403
from .statement.record import __all__ as __all__

warnings.warn("outsourcing.statement_record is deprecated; import outsourcing.statement.record",
              DeprecationWarning, stacklevel=2)
