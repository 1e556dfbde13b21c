from odoo import models

from .sale_order_handover import OPEN_HANDOVER_STATES

# The customer's details the handover checks read.
HANDOVER_PARTNER_FIELDS = {
    "email",
    "phone",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
}


class ResPartner(models.Model):
    """The customer's side of the handover: his orders' checks follow his
    details as they change, and his open handovers open from his form."""

    _inherit = "res.partner"

    def write(self, vals):
        result = super().write(vals)
        if HANDOVER_PARTNER_FIELDS & vals.keys():
            self._refresh_handover_checks()
        return result

    def _refresh_handover_checks(self):
        """The handover checks of the orders of these customers (or delivered
        to these addresses) follow the customer's details as they change."""
        # Whoever edits the contact need not read every order of it; results
        # are system records: sudo.
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("state", "=", "sale"),
                    ("handover_state", "in", ("checking", "sent_back")),
                    "|",
                    ("partner_id", "child_of", self.commercial_partner_id.ids),
                    ("partner_shipping_id", "in", self.ids),
                ]
            )
        )
        orders._refresh_handover_checks()

    def action_view_service_handovers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.sale_order_action_handover"
        )
        action["domain"] = [
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("handover_state", "in", OPEN_HANDOVER_STATES),
        ]
        return action
