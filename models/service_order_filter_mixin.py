from odoo import models
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class ServiceOrderFilterMixin(models.AbstractModel):
    """A filter on sales orders stored as a domain in ``order_domain``
    (follow-up plans, handover checks)."""

    _name = "service.order.filter.mixin"
    _description = "Sales Order Filter"

    def _get_order_domain(self):
        self.ensure_one()
        return Domain(safe_eval(self.order_domain or "[]"))

    def _get_order_domain_error(self):
        """Why this record's order filter cannot search orders, or None."""
        self.ensure_one()
        try:
            self.env["sale.order"].search_count(self._get_order_domain(), limit=1)
        except Exception as error:  # noqa: BLE001 - any error makes the filter invalid
            return error
        return None
