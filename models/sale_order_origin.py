"""Where an order comes from, when after-sales brought it: the gift of a
follow-up used on it, an offer accepted, a quotation made from a case."""

from odoo import fields, models

AFTER_SALES_ORIGINS = [
    ("gift", "After-sales gift"),
    ("offer", "After-sales offer"),
    ("request", "Service request"),
    ("complaint", "Complaint case"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    after_sales_origin = fields.Selection(
        AFTER_SALES_ORIGINS,
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="What after-sales did that brought this order.",
    )
    after_sales_followup_id = fields.Many2one(
        "service.followup",
        string="From After-Sales Follow-up",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The follow-up whose gift (or offer) the customer used on this order.",
    )
    after_sales_case_id = fields.Many2one(
        "service.history",
        string="From Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The complaint, repair or service request this quotation answers.",
    )

    def _action_confirm(self):
        res = super()._action_confirm()
        self._set_after_sales_origin()
        return res

    def _set_after_sales_origin(self):
        """An order paying with a card a follow-up gave comes from that gift.
        Whoever confirms it (a portal customer paying online) may not read the
        follow-up: the link is written by the system."""
        for order in self.sudo().filtered(lambda o: not o.after_sales_origin):
            card = order.order_line.coupon_id.filtered("followup_id")[:1]
            if card:
                order.write(
                    {"after_sales_origin": "gift", "after_sales_followup_id": card.followup_id.id}
                )
