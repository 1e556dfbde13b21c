from odoo import api, fields, models
from odoo.tools import html2plaintext, is_html_empty

from ..models.service_history import SATISFACTION_LEVELS


class ServiceFollowupDoneWizard(models.TransientModel):
    _name = "service.followup.done.wizard"
    _description = "Close After-Sales Follow-ups"

    followup_ids = fields.Many2many("service.followup", string="Follow-ups", required=True)
    feedback = fields.Html(help="What the customer said; kept on the follow-up and in the history.")
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", required=True)

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
