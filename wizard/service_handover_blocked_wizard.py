from odoo import fields, models

FIXES = [
    ("customer", "Customer details"),
    ("notes", "Notes for the technician"),
    ("checklist", "Manual item"),
    ("responsible", "Service responsible"),
    ("invoices", "Invoices"),
    ("order", "Order"),
]


class ServiceHandoverBlockedWizard(models.TransientModel):
    """What stops the handover of some orders, shown to the salesperson: one
    line per problem, each with a button to its fix. The checks' results stay
    on the orders (the Handover tab) while he fixes them."""

    _name = "service.handover.blocked.wizard"
    _description = "Handover Not Possible Yet"

    order_ids = fields.Many2many("sale.order", string="Orders", readonly=True)
    line_ids = fields.One2many(
        "service.handover.blocked.line", "wizard_id", string="Problems", readonly=True
    )
    several_orders = fields.Boolean(compute="_compute_several_orders")

    def _compute_several_orders(self):
        for wizard in self:
            wizard.several_orders = len(wizard.order_ids) > 1


class ServiceHandoverBlockedLine(models.TransientModel):
    _name = "service.handover.blocked.line"
    _description = "Problem Stopping a Handover"
    _order = "id"

    wizard_id = fields.Many2one(
        "service.handover.blocked.wizard", required=True, index=True, ondelete="cascade"
    )
    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    result_id = fields.Many2one("service.handover.result", string="Check Result", readonly=True)
    name = fields.Char(string="Problem", readonly=True)
    reason = fields.Text(string="What Is Missing", readonly=True)
    description = fields.Text(related="result_id.description")
    fix = fields.Selection(FIXES, required=True, default="order", readonly=True)

    def action_fix(self):
        """Take the salesperson to what fixes this problem."""
        self.ensure_one()
        order = self.order_id
        order._check_handover_sales_side()
        if self.fix == "customer":
            return order.action_complete_handover_customer()
        if self.fix in ("notes", "checklist", "responsible"):
            return order._action_open_handover_tab()
        if self.fix == "invoices" and order.invoice_ids:
            return order.action_view_invoice()
        return order._get_records_action(name=order.name)
