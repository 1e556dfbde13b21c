from markupsafe import Markup

from odoo import api, fields, models


class ServiceHandoverAcceptWizard(models.TransientModel):
    """Accept handovers whose checks left warnings open (a missing serial
    number): the service user reads them and says why he accepts anyway."""

    _name = "service.handover.accept.wizard"
    _description = "Accept a Handover Despite Its Warnings"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    warnings = fields.Html(compute="_compute_warnings", sanitize=False)
    comment = fields.Text(
        help="Why the handover is accepted with these warnings: kept in the customer's "
        "service history, with the warnings."
    )

    @api.depends("order_ids")
    def _compute_warnings(self):
        for wizard in self:
            orders = wizard.order_ids
            # Every value is escaped by Markup's % (sanitize=False: only this markup).
            wizard.warnings = Markup().join(
                Markup("<p class='mb-1'><strong>%s</strong></p><ul>%s</ul>")
                % (
                    order.name,
                    Markup().join(
                        Markup("<li>%s%s</li>")
                        % (result.name, f": {result.reason}" if result.reason else "")
                        for result in order._get_handover_warnings()
                    ),
                )
                for order in orders
                if order._get_handover_warnings()
            )

    def action_accept(self):
        self.ensure_one()
        self.order_ids._accept_handover(comment=self.comment)
        return {"type": "ir.actions.act_window_close"}
