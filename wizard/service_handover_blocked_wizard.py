from odoo import fields, models


class ServiceHandoverBlockedWizard(models.TransientModel):
    """What stops the handover of some orders, shown to the salesperson. The
    checks' results stay on the orders (the Handover tab) while he fixes them."""

    _name = "service.handover.blocked.wizard"
    _description = "Handover Not Possible Yet"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    message = fields.Text(readonly=True)
    single_order_id = fields.Many2one("sale.order", compute="_compute_single_order_id")

    def _compute_single_order_id(self):
        for wizard in self:
            wizard.single_order_id = wizard.order_ids if len(wizard.order_ids) == 1 else False

    def action_complete_customer(self):
        self.ensure_one()
        return self.single_order_id.action_complete_handover_customer()
