import secrets

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_list

MAX_HOLDBACK_PERCENT = 50


class ServiceFollowupPlan(models.Model):
    """A plan's comparison group: the share of its customers held back, the
    seed of their draw, and how many were assigned to each group."""

    _name = "service.followup.plan"
    # mail.thread: the plan's chatter tracks who changed the share, and when.
    _inherit = ["service.followup.plan", "mail.thread"]

    holdback_percent = fields.Float(
        string="Held Back (%)",
        default=0.0,
        tracking=True,
        help="A share of the plan's customers, drawn at random, whose follow-ups are "
        "recorded but never carried out: what they do next, beside the customers who "
        "got the care, shows what the plan brings (Reporting > Retention Analysis). A "
        "customer keeps the group he was drawn in; a new share applies to customers "
        "assigned from then on.",
    )
    holdback_seed = fields.Char(
        default=lambda self: secrets.token_hex(8),
        copy=False,
        readonly=True,
        help="With the customer, fixes his draw: the same customer always falls in the "
        "same group of this plan.",
    )
    holdback_cared_count = fields.Integer(
        string="Cared Customers", compute="_compute_holdback_counts"
    )
    holdback_held_count = fields.Integer(
        string="Held-back Customers", compute="_compute_holdback_counts"
    )
    holdback_shares = fields.Char(
        string="Shares at Assignment",
        compute="_compute_holdback_counts",
        help="The shares the plan's customers were assigned under, when there were several.",
    )

    def _compute_holdback_counts(self):
        counts = {}
        shares = {}
        groups = self.env["service.followup.assignment"]._read_group(
            [("plan_id", "in", self.ids)],
            ["plan_id", "group", "holdback_percent"],
            ["__count"],
        )
        for plan, group, share, count in groups:
            counts[plan, group] = counts.get((plan, group), 0) + count
            shares.setdefault(plan, set()).add(share)
        for plan in self:
            plan.holdback_cared_count = counts.get((plan, "cared"), 0)
            plan.holdback_held_count = counts.get((plan, "held_back"), 0)
            plan_shares = sorted(shares.get(plan, ()))
            plan.holdback_shares = len(plan_shares) > 1 and format_list(
                self.env, [f"{share:g} %" for share in plan_shares]
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

    def action_view_holdback_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale_after_sales.service_followup_assignment_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"search_default_group_group": 1}
        action["display_name"] = self.env._("Groups of %(plan)s", plan=self.display_name)
        return action
