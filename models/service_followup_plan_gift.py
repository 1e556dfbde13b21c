"""Steps that give the customer a personal reward: a card of one of Odoo's
loyalty programs (next order coupons, coupons, gift cards), e-mailed with its
code, for satisfied customers only."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

GIFT_PROGRAM_TYPES = ("next_order_coupons", "coupons", "gift_card")
GIFT_CONDITIONS = [
    ("happy", "His last rating is happy"),
    ("no_low", "No rating at or below the complaint threshold"),
    ("any", "Every customer without an open complaint"),
]


class ServiceFollowupPlanStep(models.Model):
    _inherit = "service.followup.plan.step"

    gift_program_id = fields.Many2one(
        "loyalty.program",
        string="Gift",
        check_company=True,
        domain=[("program_type", "in", GIFT_PROGRAM_TYPES)],
        help="Give the customer a card of this program (a coupon for his next order, a "
        "gift card): one per customer and step, e-mailed with its code. Customers with an "
        "open complaint never get one.",
    )
    gift_points = fields.Float(
        string="Gift Value",
        default=1.0,
        help="What the card holds: one use of a coupon, or the amount of a gift card.",
    )
    gift_validity_days = fields.Integer(
        string="Gift Valid For (Days)",
        default=90,
        help="The card expires this many days after it is given (0: the program's end).",
    )
    gift_condition = fields.Selection(
        GIFT_CONDITIONS,
        string="Gift For",
        default="happy",
        required=True,
        help="Which customers get the gift; the others' follow-up is skipped, saying why.",
    )
    gift_interval_days = fields.Integer(
        string="One Gift Every (Days)",
        default=180,
        help="A customer gets at most one after-sales gift in this many days, whatever the "
        "plan (0: no limit).",
    )
    gift_template_id = fields.Many2one(
        "mail.template",
        string="Gift E-mail",
        domain="[('model', '=', 'service.followup')]",
        default=lambda self: self.env.ref(
            "sale_after_sales.mail_template_followup_gift", raise_if_not_found=False
        ),
    )

    @api.constrains(
        "gift_program_id",
        "gift_points",
        "gift_validity_days",
        "gift_interval_days",
        "gift_template_id",
    )
    def _check_gift(self):
        self._check_step()  # a step whose only action was its gift does nothing
        for step in self.filtered("gift_program_id"):
            if step.gift_program_id.program_type not in GIFT_PROGRAM_TYPES:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': a gift is a card of a coupon, next order coupon "
                        "or gift card program.",
                        step=step.name,
                    )
                )
            if step.gift_points <= 0:
                raise ValidationError(
                    self.env._("Step '%(step)s': the gift must be worth something.", step=step.name)
                )
            if not 0 <= step.gift_validity_days <= 3660 or not 0 <= step.gift_interval_days <= 3660:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the gift's validity and interval are from 0 to 3660 "
                        "days.",
                        step=step.name,
                    )
                )
            if not step.gift_template_id:
                raise ValidationError(
                    self.env._("Step '%(step)s' gives a gift: choose its e-mail.", step=step.name)
                )
            if step.gift_template_id.model != "service.followup":
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the gift's e-mail template must be written for "
                        "follow-ups.",
                        step=step.name,
                    )
                )

    def _get_actions(self):
        actions = super()._get_actions()
        if self.gift_program_id:
            actions.add("gift")
        return actions

    def _get_gift_error(self):
        """Why this step cannot give its gift now (False when it can): checked
        when it runs, as the program may have been archived or ended since."""
        self.ensure_one()
        program = self.gift_program_id.with_context(active_test=False)
        today = fields.Date.context_today(self)
        if not program.active:
            reason = self.env._("is archived")
        elif program.date_to and program.date_to < today:
            reason = self.env._("ended on %(date)s", date=program.date_to)
        elif program.date_from and program.date_from > today:
            reason = self.env._("starts on %(date)s only", date=program.date_from)
        elif program.company_id and program.company_id != self.company_id and self.company_id:
            reason = self.env._("belongs to another company")
        elif not program.reward_ids:
            reason = self.env._("has no reward")
        elif any(
            reward.reward_type == "product" and not reward.reward_product_id.active
            for reward in program.reward_ids
        ):
            reason = self.env._("rewards a product that is archived or deleted")
        else:
            return False
        return self.env._(
            "Step '%(step)s' of plan '%(plan)s': its gift program '%(program)s' %(reason)s. "
            "Choose another program or make this one valid, then retry the follow-up.",
            step=self.name,
            plan=self.plan_id.name,
            program=program.name,
            reason=reason,
        )
