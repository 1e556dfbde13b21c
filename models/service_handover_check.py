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
    # Another module adds a built-in check with selection_add and an ondelete
    # that archives its checks when it is uninstalled (_ondelete_method), and
    # writes sale.order._handover_check_<code>().
    method = fields.Selection(
        [
            ("customer_email", "Customer has an e-mail"),
            ("customer_phone", "Customer has a phone number"),
            ("delivery_address", "Delivery address complete"),
            ("product_lines", "Every order line has a product"),
            ("service_notes", "Notes for the technician filled in"),
            ("invoice_prices", "Posted invoice prices match the order"),
            ("equipment_serials", "Every piece of equipment has its serial number"),
        ],
        string="Built-in Check",
        help="One of the module's checks. Leave empty to check the order with a filter.",
    )
    severity = fields.Selection(
        [("blocking", "Blocking"), ("warning", "Warning")],
        required=True,
        default="blocking",
        help="A failing blocking check stops the handover; a warning is shown and recorded.",
    )
    order_domain = fields.Char(
        help="Automatic checks without a built-in check pass when the order matches this filter."
    )

    @api.constrains("kind", "method")
    def _check_definition(self):
        for check in self.filtered(lambda c: c.kind == "automatic" and c.method):
            if not hasattr(self.env["sale.order"], f"_handover_check_{check.method}"):
                raise ValidationError(
                    self.env._(
                        "Check '%(check)s': the built-in check '%(method)s' is not implemented.",
                        check=check.name,
                        method=check.method,
                    )
                )
        self._check_order_domain()

    def _uses_order_domain(self):
        self.ensure_one()
        return self.kind == "automatic" and not self.method

    def _get_order_domain_error_message(self, error):
        self.ensure_one()
        return self.env._(
            "The order filter of check '%(check)s' is not valid: %(error)s",
            check=self.name,
            error=error,
        )

    def _evaluate(self, orders):
        """Run this automatic check on ``orders``: {order: failure reason or False}."""
        self.ensure_one()
        if self.method:
            implementation = getattr(orders, f"_handover_check_{self.method}", None)
            if implementation is None:
                # Left behind by a module that was removed without resetting it.
                reason = self.env._(
                    "The built-in check '%(method)s' is not available any more (its module "
                    "was uninstalled): an administrator archives or changes this check.",
                    method=self.method,
                )
                return dict.fromkeys(orders, reason)
            return implementation()
        matching = orders.filtered_domain(self._get_order_domain())
        reason = self.description or self.env._("The order does not match the check's filter.")
        return {order: False if order in matching else reason for order in orders}

    def _ondelete_method(self):
        """``ondelete`` of a built-in check added with ``selection_add``: when
        its module is uninstalled, its checks are archived and lose the method
        (their results go, so no order is held back by a check that is gone)."""
        # Results are system records, removed whoever uninstalls: sudo.
        self.env["service.handover.result"].sudo().search([("check_id", "in", self.ids)]).unlink()
        self.write({"method": False, "active": False})
