from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time


class ServiceOrderFilterMixin(models.AbstractModel):
    """A filter on sales orders stored as a domain in ``order_domain``
    (follow-up plans, handover checks)."""

    _name = "service.order.filter.mixin"
    _description = "Sales Order Filter"

    def _get_order_domain(self):
        self.ensure_one()
        return Domain(safe_eval(self.order_domain or "[]", self._get_order_domain_eval_context()))

    @api.model
    def _get_order_domain_eval_context(self):
        """The names a filter may use, as in Odoo's domain editor and record
        rules: ``uid``, ``user``, the companies, ``context_today`` and dates."""
        return {
            "uid": self.env.uid,
            "user": self.env.user,
            "company_id": self.env.company.id,
            "company_ids": self.env.companies.ids,
            "context_today": lambda: fields.Date.context_today(self),
            "time": time,
            "datetime": datetime,
            "dateutil": dateutil,
            "relativedelta": dateutil.relativedelta.relativedelta,
        }

    def _get_order_domain_error(self):
        """Why this record's order filter cannot search orders, or None."""
        self.ensure_one()
        try:
            self.env["sale.order"].search_count(self._get_order_domain(), limit=1)
        except Exception as error:  # noqa: BLE001 - any error makes the filter invalid
            return error
        return None
