from odoo import api, fields, models
from odoo.fields import Domain

from .service_equipment_offer import OPEN_OFFER_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_offer_order_ids = fields.Many2many(
        "sale.order",
        compute="_compute_service_offer_order_ids",
        string="Open Offers",
        help="The quotations the after-sales follow-ups made this customer (his company and "
        "its contacts) not answered yet and still valid.",
        groups="base.group_user",
    )

    @api.depends_context("uid")
    def _compute_service_offer_order_ids(self):
        """With the user's rights: a salesperson who sees his own documents
        only sees his own offers."""
        orders = self.env["sale.order"].search(
            self._get_service_offer_domain(), order="validity_date, id"
        )
        for partner in self:
            partner.service_offer_order_ids = orders.filtered(
                lambda o, p=partner: o.partner_id.commercial_partner_id == p.commercial_partner_id
            )

    def _get_service_offer_domain(self):
        """The open after-sales offers of these customers' companies."""
        today = fields.Date.context_today(self)
        return (
            Domain("is_after_sales_offer", "=", True)
            & Domain("partner_id", "child_of", self.commercial_partner_id.ids)
            & Domain("state", "in", OPEN_OFFER_STATES)
            & (Domain("validity_date", "=", False) | Domain("validity_date", ">=", today))
        )
