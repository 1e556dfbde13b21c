from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html2plaintext, is_html_empty

from ..models.service_history import SATISFACTION_LEVELS


class ServiceFollowupDoneWizard(models.TransientModel):
    _name = "service.followup.done.wizard"
    _description = "Close After-Sales Follow-ups"

    followup_ids = fields.Many2many("service.followup", string="Follow-ups", required=True)
    followup_count = fields.Integer(compute="_compute_context_fields")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_context_fields"
    )
    partner_phone = fields.Char(string="Phone", compute="_compute_context_fields")
    order_id = fields.Many2one("sale.order", compute="_compute_context_fields")
    question = fields.Html(string="To Ask", compute="_compute_context_fields")
    feedback = fields.Html(
        string="What the Customer Said",
        help="Kept on the follow-up and in the customer's service history.",
    )
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", required=True)

    @api.depends("followup_ids")
    def _compute_context_fields(self):
        for wizard in self:
            followups = wizard.followup_ids
            single = followups if len(followups) == 1 else followups.browse()
            wizard.followup_count = len(followups)
            wizard.partner_id = single.partner_id
            wizard.partner_phone = single.partner_id.phone or single.commercial_partner_id.phone
            wizard.order_id = single.order_id
            step = single.step_id
            wizard.question = (
                step.note
                if step.note and not is_html_empty(step.note)
                else (step.summary and Markup("<p>%s</p>") % step.summary) or False
            )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "followup_ids" in fields_list and not values.get("followup_ids"):
            if self.env.context.get("active_model") == "service.followup":
                values["followup_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_done(self):
        self.ensure_one()
        followups = self.followup_ids
        followups._check_can_close()
        feedback = False if is_html_empty(self.feedback) else self.feedback
        # The wizard is the follow-up's "Mark as Done" action: it records the score.
        followups._workflow().write({"satisfaction": self.satisfaction})
        with_activity = followups.filtered(lambda f: f.activity_id.active)
        if with_activity:
            # Marking the activity done closes its follow-up (mail.activity._action_done).
            with_activity.activity_id.action_feedback(
                feedback=html2plaintext(feedback) if feedback else False
            )
            with_activity.filtered(
                lambda f: f.state == "done" and feedback
            )._workflow().feedback = feedback
        (followups - with_activity)._close(feedback=feedback)
        return {"type": "ir.actions.act_window_close"}
