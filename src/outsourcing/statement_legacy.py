"""Deprecated: moved to :mod:`outsourcing.statement.legacy` (the statement is one package).

Importing this module warns (``DeprecationWarning``) and gives the same names; it is
removed in the next release.
"""

import warnings

from .statement.legacy import *  # noqa: F403
from .statement.legacy import __all__ as __all__

warnings.warn("outsourcing.statement_legacy is deprecated; import outsourcing.statement.legacy",
              DeprecationWarning, stacklevel=2)
