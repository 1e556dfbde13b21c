from odoo import models

# What changes the later orders of a customer once an order is confirmed.
RETENTION_ORDER_FIELDS = {"date_order", "partner_id", "company_id", "order_line", "currency_rate"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        """Keep the Retention Analysis current: an order confirmed or
        cancelled (``_action_confirm`` and ``_action_cancel`` write its
        state), or a confirmed one changed, changes what its customer bought
        after his triggering orders."""
        concerned = self.browse()
        if vals.get("state") == "sale":
            concerned = self
        elif "state" in vals or RETENTION_ORDER_FIELDS.intersection(vals):
            # A quotation sent or cancelled changes nothing; a confirmed order
            # cancelled, set back to quotation or changed does.
            concerned = self.filtered(lambda o: o.state == "sale")
        partners = concerned.partner_id.commercial_partner_id
        result = super().write(vals)
        if concerned:
            partners |= concerned.partner_id.commercial_partner_id
            concerned._update_retention(partners)
        return result

    def _update_retention(self, partners):
        """Compute again what the customer entities ``partners`` bought after
        their triggering orders (one search of their assignments)."""
        self.env["service.followup.assignment"]._recompute_retention(partners)
