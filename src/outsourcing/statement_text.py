"""Deprecated: moved to :mod:`outsourcing.statement.text` (the statement is one package).

Importing this module warns (``DeprecationWarning``) and gives the same names; it is
removed in the next release.
"""

import warnings

from .statement.text import *  # noqa: F403
from .statement.text import __all__ as __all__

warnings.warn("outsourcing.statement_text is deprecated; import outsourcing.statement.text",
              DeprecationWarning, stacklevel=2)
