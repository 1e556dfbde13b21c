from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_gift_card_ids = fields.Many2many(
        "loyalty.card",
        compute="_compute_service_gift_card_ids",
        string="Unused Gifts",
        help="The after-sales gifts of this customer (his company and its contacts) not used "
        "or expired yet.",
    )

    @api.depends_context("uid")
    def _compute_service_gift_card_ids(self):
        today = fields.Date.context_today(self)
        cards = self.env["loyalty.card"].search(
            [
                ("followup_partner_id", "in", self.commercial_partner_id.ids),
                ("points", ">", 0),
                "|",
                ("expiration_date", "=", False),
                ("expiration_date", ">=", today),
            ]
        )
        for partner in self:
            partner.service_gift_card_ids = cards.filtered(
                lambda c, p=partner: c.followup_partner_id == p.commercial_partner_id
            )
