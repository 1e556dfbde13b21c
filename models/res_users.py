from odoo import models

from .service_followup import OPEN_STATES


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        result = super().write(vals)
        if "active" in vals and not vals["active"]:
            self._reassign_service_followups()
        return result

    def action_archive(self):
        # Before mail's action_archive deletes the users' activities (which
        # would cancel their follow-ups): move them to the next candidate.
        self._reassign_service_followups(leaving=self)
        return super().action_archive()

    def _reassign_service_followups(self, leaving=None):
        """Give the open follow-ups of these (archived) users to the next
        candidate of their step; those nobody can take fail with the reason."""
        leaving = leaving or self.filtered(lambda user: not user.active)
        if not leaving:
            return
        # Follow-ups are system records: whoever archives the user moves them.
        followups = (
            self.env["service.followup"]
            .sudo()
            .search([("user_id", "in", leaving.ids), ("state", "in", OPEN_STATES)])
        )
        orphans = followups.browse()
        for followup in followups:
            assignee = followup.step_id._determine_responsible(
                False, followup.order_id, exclude=leaving
            )["responsible"]
            if assignee:
                followup.user_id = assignee  # moves its open activity too
            else:
                orphans |= followup
        for followup in orphans:
            reason = self.env._(
                "%(user)s was archived, and nobody else can take this follow-up: "
                "assign it to someone and retry it.",
                user=followup.user_id.name,
            )
            followup._drop_open_activities()
            followup._mark_failed(reason)
