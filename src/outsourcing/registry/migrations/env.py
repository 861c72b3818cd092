"""Alembic environment of the registry: runs on the connection :func:`migrate` hands it, or,
from the ``alembic`` command with the shipped ``alembic.ini``, on the database named by
``-x url=…`` (else ``$OUTSOURCING_DB``, else ``outsourcing.db``)."""

from __future__ import annotations

from alembic import context

from outsourcing.registry.migrate import run_guarded

run_guarded(context)
