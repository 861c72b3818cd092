"""The web desk (网上办公): the pages the bureau's people work from, in Chinese, rendered on
the server from the package's Jinja2 templates (``service/templates``) with the package's
stylesheet (``service/static``) — no build step, nothing fetched from the internet.

- the contract list and page (:mod:`.contracts`): lines, changes with the headroom of
  政府采购法 第四十九条, statements, payments, findings, charts;
- the forms (:mod:`.actions`): propose, sign or reject a change, record an acceptance,
  settle, record a payment; an assessment per KPI or as a workbook (:mod:`.assess`);
- a statement viewed, printed and downloaded (:mod:`.statements`), what is due;
- the region's view with drill-down (:mod:`.region`).

Each role sees only the actions it may take (:func:`.common.can_for`); a supplier's account
reads its own contracts only.  Every form carries the CSRF token; every text is escaped
(Jinja2's autoescape).  ``docs/service.md`` ("The web desk") shows the pages.
"""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from .actions import (
    accept_period,
    propose_change,
    record_payment,
    reject_change,
    settle_period,
    sign_change,
)
from .assess import (
    assessment_form,
    assessment_submit,
    assessment_template_xlsx,
    assessment_upload,
)
from .assets import font_handlers, static_router
from .contracts import contract_page, contracts_page, home
from .region import region_home, region_page
from .statements import due_page, statement_page, statement_print, statement_xlsx

__all__ = ["route_handlers"]


def route_handlers() -> list[ControllerRouterHandler]:
    """Every page and form of the desk, with its static files."""
    return [home, contracts_page, contract_page, propose_change, sign_change, reject_change,
            accept_period, settle_period, record_payment, assessment_form,
            assessment_submit, assessment_upload, assessment_template_xlsx, statement_page,
            statement_print, statement_xlsx, due_page, region_home, region_page,
            static_router(), *font_handlers()]
