from odoo import fields, models


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    followup_id = fields.Many2one(
        "service.followup",
        string="After-Sales Follow-up",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The follow-up that gave this card to the customer.",
    )
    followup_step_id = fields.Many2one(
        related="followup_id.step_id", string="Follow-up Step", store=True, index="btree_not_null"
    )
    followup_plan_id = fields.Many2one(
        related="followup_id.plan_id", string="Follow-up Plan", store=True
    )
    followup_partner_id = fields.Many2one(
        related="followup_id.commercial_partner_id",
        string="Gift Customer Entity",
        store=True,
        index="btree_not_null",
    )
