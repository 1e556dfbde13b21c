from odoo import api, fields, models

from .service_followup import OPEN_STATES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # Computed before the activity is inserted, not written by an UPDATE after
    # it: the scheduled action creates its activities 200 at a time, and this
    # query and recomputation were a sixth of an activity step (``make bench``).
    # The values are Odoo's own (same compute); an activity created alone is
    # spared the same query.
    res_name = fields.Char(compute="_compute_res_name", store=True, precompute=True)
    user_tz = fields.Selection(related="user_id.tz", store=True, precompute=True)

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
