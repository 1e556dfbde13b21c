import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_HOLDBACK_PERCENT = 50


class ServiceFollowupPlan(models.Model):
    _inherit = "service.followup.plan"

    holdback_percent = fields.Float(
        string="Held Back (%)",
        default=0.0,
        help="A share of the plan's customers, drawn at random, whose follow-ups are "
        "recorded but never carried out: what they do next, beside the customers who "
        "got the care, shows what the plan brings (After-Sales > Reporting > Retention "
        "Analysis). A customer keeps the group he was drawn in; a new share applies to "
        "customers assigned from then on.",
    )
    holdback_seed = fields.Char(
        default=lambda self: secrets.token_hex(8),
        copy=False,
        readonly=True,
        help="With the customer, fixes his draw: the same customer always falls in the "
        "same group of this plan.",
    )

    @api.constrains("holdback_percent")
    def _check_holdback_percent(self):
        for plan in self:
            if not 0 <= plan.holdback_percent <= MAX_HOLDBACK_PERCENT:
                raise ValidationError(
                    self.env._(
                        "A plan holds back between 0 and %(max)s %% of its customers "
                        "(%(plan)s: %(share)s %%).",
                        max=MAX_HOLDBACK_PERCENT,
                        plan=plan.display_name,
                        share=plan.holdback_percent,
                    )
                )
