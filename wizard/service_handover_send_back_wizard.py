from odoo import fields, models


class ServiceHandoverSendBackWizard(models.TransientModel):
    _name = "service.handover.send.back.wizard"
    _description = "Send a Handover Back to Sales"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(help="What the salesperson must fix or complete.")

    def action_send_back(self):
        self.ensure_one()
        self.order_ids._send_back_handover(self.reason)
        return {"type": "ir.actions.act_window_close"}
