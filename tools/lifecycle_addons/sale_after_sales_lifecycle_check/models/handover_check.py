from odoo import fields, models


class ServiceHandoverCheck(models.Model):
    _inherit = "service.handover.check"

    method = fields.Selection(
        selection_add=[("lifecycle_reference", "Customer reference filled in")],
        ondelete={"lifecycle_reference": lambda checks: checks._ondelete_method()},
    )


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _handover_check_lifecycle_reference(self):
        return {
            order: False if order.client_order_ref else self.env._("No customer reference.")
            for order in self
        }
