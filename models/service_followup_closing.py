"""Closing follow-ups: done (by hand, by the customer's rating, or with no
answer to it) or cancelled, and the service history entry a done one leaves."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .service_followup import OPEN_STATES


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    def _check_can_close(self):
        self._check_not_held_back()
        wrong = self.filtered(lambda f: f.state not in OPEN_STATES)
        if wrong:
            raise UserError(
                self.env._(
                    "These follow-ups are already closed: %(names)s.",
                    names=", ".join(wrong.mapped("display_name")),
                )
            )

    def _cancel(self):
        """Cancel the pending follow-ups and drop their open activities. The
        held-back ones of a cancelled order are cancelled too (held back again
        if the order is confirmed again)."""
        pending = self.filtered(lambda f: f.state in (*OPEN_STATES, "held_back"))
        pending._drop_open_activities()
        pending._workflow().write({"state": "cancelled", "retry_date": False})
        return pending

    def _drop_open_activities(self):
        """Remove the open activities of these follow-ups, without cancelling
        the follow-ups themselves (mail.activity's ondelete would)."""
        self.activity_id.filtered("active").with_context(sale_after_sales_cancelling=True).unlink()

    def _close(self, feedback=False, satisfaction=None, by_customer=False, no_answer=False):
        """Mark these follow-ups done (their activity was done, by hand, by the
        customer's rating, or with no answer to it) and record it in the
        customer's service history. A low score opens a complaint case."""
        self._check_can_close()
        now = fields.Datetime.now()
        vals = {
            "state": "done",
            "done_by_id": False if by_customer or no_answer else self.env.user.id,
            "done_date": now,
            "retry_date": False,
        }
        if by_customer:
            vals["answer_state"] = "answered"
        elif no_answer:
            vals["answer_state"] = "no_answer"
        elif self.filtered("answer_state"):
            vals["answer_state"] = "answered"  # staff recorded the answer by hand
        if feedback:
            vals["feedback"] = feedback
        if satisfaction is not None:
            vals["satisfaction"] = satisfaction
        self._workflow().write(vals)
        self._drop_open_activities()
        self._log_done_in_service_history(by_customer=by_customer, no_answer=no_answer)
        self._open_complaint_cases()
        # A maintenance reminder done: the piece's next maintenance rolls forward.
        maintained = self.filtered(lambda f: f.equipment_id and f.step_id.equipment_recurring)
        for done_date, followups in maintained.grouped(lambda f: f.done_date.date()).items():
            followups.equipment_id._register_maintenance(done_date)
        return True

    def _log_done_in_service_history(self, by_customer=False, no_answer=False):
        vals_list = []
        for followup in self:
            vals = followup._prepare_history_vals()
            if by_customer:
                vals.update(user_id=False, source="customer")
            elif no_answer:
                vals.update(
                    user_id=False,
                    outcome=self.env._("No answer from the customer."),
                    satisfaction="0",
                )
            vals_list.append(vals)
        self.env["service.history"]._log("followup", vals_list)

    def _prepare_history_vals(self):
        self.ensure_one()
        return {
            **self.order_id._prepare_service_history_vals(),
            "partner_id": self.partner_id.id,
            "summary": self.name,
            "description": self.feedback or False,
            "outcome": html2plaintext(self.feedback) if self.feedback else False,
            "satisfaction": self.satisfaction or "0",
            "user_id": (self.done_by_id or self.env.user).id,
            "equipment_id": self.equipment_id.id,
            "product_id": self.equipment_id.product_id.id,
        }
