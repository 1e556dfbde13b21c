from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time


class ServiceOrderFilterMixin(models.AbstractModel):
    """What decides which sales orders a record applies to: a company, sales
    teams and a filter on the orders (follow-up plans, handover checks)."""

    _name = "service.order.filter.mixin"
    _description = "Sales Order Filter"

    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty for the orders of every company.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="Only orders of these sales teams. Leave empty for every team.",
    )
    order_domain = fields.Char(
        string="Order Filter",
        default="[]",
        help="A filter on the orders, as Odoo's domain editor writes it.",
    )

    @api.constrains("order_domain")
    def _check_order_domain(self):
        for record in self.filtered(lambda r: r._uses_order_domain()):
            if error := record._get_order_domain_error():
                raise ValidationError(record._get_order_domain_error_message(error)) from error

    def _uses_order_domain(self):
        """Whether this record's filter is used (and so must be valid)."""
        self.ensure_one()
        return True

    def _get_order_domain_error_message(self, error):
        self.ensure_one()
        return self.env._(
            "The order filter of '%(name)s' is not valid: %(error)s",
            name=self.display_name,
            error=error,
        )

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

    def _applies_to(self, order):
        """Whether ``order`` is of this record's company and sales teams."""
        self.ensure_one()
        return (not self.company_id or self.company_id == order.company_id) and (
            not self.team_ids or order.team_id in self.team_ids
        )

    def _filter_applicable_orders(self, orders):
        """The orders among ``orders`` of this record's company and sales teams."""
        self.ensure_one()
        return orders.filtered(self._applies_to)

    def _filter_orders_by_domain(self, orders):
        """The orders among ``orders`` that match this record's filter."""
        self.ensure_one()
        if not orders or (self.order_domain or "[]") == "[]":
            return orders
        return orders.filtered_domain(self._get_order_domain())
