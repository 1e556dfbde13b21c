from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ServiceHandoverCheck(models.Model):
    _name = "service.handover.check"
    _inherit = ["service.order.filter.mixin"]
    _description = "Handover Check"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to check the orders of every company.",
    )
    description = fields.Text(
        string="Explanation",
        translate=True,
        help="Shown to the salesperson: why the check matters and how to fix it.",
    )
    kind = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        required=True,
        default="automatic",
        help="Automatic checks are computed on the order; manual ones are ticked by a person.",
    )
    method = fields.Selection(
        selection="_selection_method",
        string="Built-in Check",
        help="One of the module's checks. Leave empty to check the order with a filter.",
    )
    order_domain = fields.Char(
        string="Order Filter",
        default="[]",
        help="Automatic checks without a built-in check pass when the order matches this filter.",
    )
    severity = fields.Selection(
        [("blocking", "Blocking"), ("warning", "Warning")],
        required=True,
        default="blocking",
        help="A failing blocking check stops the handover; a warning is shown and recorded.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="Only orders of these sales teams are checked. Leave empty for every team.",
    )

    @api.model
    def _selection_method(self):
        """The built-in checks. Add one by extending this list and writing
        ``sale.order._handover_check_<code>()``."""
        return [
            ("customer_email", self.env._("Customer has an e-mail")),
            ("customer_phone", self.env._("Customer has a phone number")),
            ("delivery_address", self.env._("Delivery address complete")),
            ("product_lines", self.env._("Every order line has a product")),
            ("service_notes", self.env._("Notes for the technician filled in")),
            ("invoice_prices", self.env._("Posted invoice prices match the order")),
        ]

    @api.constrains("kind", "method", "order_domain")
    def _check_definition(self):
        for check in self.filtered(lambda c: c.kind == "automatic"):
            if check.method:
                if not hasattr(self.env["sale.order"], f"_handover_check_{check.method}"):
                    raise ValidationError(
                        self.env._(
                            "Check '%(check)s': the built-in check '%(method)s' is not "
                            "implemented.",
                            check=check.name,
                            method=check.method,
                        )
                    )
                continue
            if error := check._get_order_domain_error():
                raise ValidationError(
                    self.env._(
                        "The order filter of check '%(check)s' is not valid: %(error)s",
                        check=check.name,
                        error=error,
                    )
                ) from error

    def _applies_to(self, order):
        self.ensure_one()
        return (not self.company_id or self.company_id == order.company_id) and (
            not self.team_ids or order.team_id in self.team_ids
        )

    def _evaluate(self, orders):
        """Run this automatic check on ``orders``: {order: failure reason or False}."""
        self.ensure_one()
        if self.method:
            return getattr(orders, f"_handover_check_{self.method}")()
        matching = orders.filtered_domain(self._get_order_domain())
        reason = self.description or self.env._("The order does not match the check's filter.")
        return {order: False if order in matching else reason for order in orders}
