from odoo import api, models

from .service_followup import OPEN_STATES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _get_open_followups(self):
        # Follow-ups are system records the assignee may not be allowed to
        # write (a salesperson closing a service activity): sudo.
        return (
            self.env["service.followup"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "in", OPEN_STATES)])
        )

    def _action_done(self, feedback=False, attachment_ids=None):
        followups = self._get_open_followups() if self.ids else None
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if followups:
            followups._close(feedback=feedback)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_cancel_followups(self):
        """An activity cancelled from the chatter cancels its follow-up: it
        does not stay "due" for ever, and it can be retried from the list."""
        if self.env.context.get("sale_after_sales_cancelling"):
            return
        followups = self._get_open_followups()
        if followups:
            followups._workflow().write({"state": "cancelled", "retry_date": False})
