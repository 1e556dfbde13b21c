"""The customer's voice on follow-ups: his rating from the e-mail, the wait
for it, and the complaint case a low score opens."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import plaintext2html

from .service_followup import OPEN_STATES


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    # Odoo's portal routes (``/mail/chatter_fetch``, ``/mail/message/post``)
    # compare a token given in the request with this field of any thread. A
    # follow-up is never shared by a link: the customer answers it through the
    # rating's own token only, so the field is always empty and matches no
    # token (without it, those routes fail with a KeyError on the follow-up).
    access_token = fields.Char(compute="_compute_access_token")

    def _compute_access_token(self):
        self.access_token = ""

    @api.model
    def _get_thread_with_access(self, thread_id, *, hash=None, pid=None, token=None, **kwargs):
        # No access by token, hash or partner id: the record rules decide.
        return super()._get_thread_with_access(thread_id, **kwargs)

    def _sign_token(self, pid):
        # Nothing signed for a follow-up: no hash ever opens one.
        return ""

    def _open_complaint_cases(self):
        """A score at or below the company's threshold opens a complaint case
        with the customer's words, for the order's service responsible (else
        the company's default, else the salesperson), with a deadline and an
        activity: no unhappy answer is left alone."""
        unhappy = self.filtered(
            lambda f: (
                f.satisfaction
                and f.satisfaction != "0"
                and int(f.satisfaction) <= int(f.company_id.complaint_threshold or 0)
                and not f.case_id
            )
        )
        if not unhappy:
            return self.env["service.history"]
        cases = self.env["service.history"]._log(
            "complaint", [followup._prepare_complaint_vals() for followup in unhappy]
        )
        for followup, case in zip(unhappy, cases, strict=True):
            followup._workflow().case_id = case
        cases._schedule_case_activity()
        return cases

    def _prepare_complaint_vals(self):
        self.ensure_one()
        order = self.order_id
        owner = self.env["service.history"]._get_default_case_owner(order, order.company_id)
        levels = dict(self._fields["satisfaction"]._description_selection(self.env))
        return {
            **order._prepare_service_history_vals(),
            "partner_id": self.partner_id.id,
            "summary": self.env._(
                "%(customer)s is unhappy: %(followup)s (%(score)s)",
                customer=self.partner_id.display_name,
                followup=self.name,
                score=levels[self.satisfaction],
            ),
            "description": self.feedback or False,
            # The score is the follow-up entry's; the case is what to do about it.
            "owner_id": owner.id,
            "user_id": owner.id,
            "followup_id": self.id,
            "equipment_id": self.equipment_id.id,
            "source": "customer"
            if self.answer_state == "answered" and not self.done_by_id
            else "staff",
        }

    # ------------------------------------------------------------------
    # Ratings (rating.mixin)
    # ------------------------------------------------------------------

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        rating = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        self._apply_customer_rating(rating)
        return rating

    def _apply_customer_rating(self, rating):
        """The customer answered: his score and words close the follow-up."""
        followup = self.filtered(lambda f: f.state in OPEN_STATES)
        if not followup:
            return
        satisfaction = str(min(max(int(round(rating.rating)), 1), 5))
        feedback = plaintext2html(rating.feedback) if rating.feedback else False
        followup._workflow().satisfaction = satisfaction
        followup._close(feedback=feedback, satisfaction=satisfaction, by_customer=True)

    def _get_rating_answer_values(self, rating):
        """What the page after the customer's answer tells him: the case his
        unhappy answer opened (who handles it, by when) and how to reach the
        company now, or, when he is happy, where his equipment and its care
        advice are in the portal. The page is public: ``self`` is in sudo,
        and only the customer's own follow-up is read."""
        self.ensure_one()
        case = self.case_id
        if case:
            mood = "case"
        elif rating.rating >= 4:
            mood = "happy"
        else:
            mood = "neutral"
        return {
            "followup": self,
            "mood": mood,
            "case": case,
            "case_owner": case.owner_id.partner_id,
            "company": self.company_id,
            "equipment_url": self.equipment_id.access_url or "/my/equipment",
        }

    @api.model
    def _get_rating_wait_domain(self):
        """The follow-ups waiting for the customer's rating whose reminder or
        close is due: the search reads those, not every rating still awaited."""
        now = fields.Datetime.now()
        per_step = []
        steps = self.env["service.followup.plan.step"].with_context(active_test=False).search([])
        for step in steps:
            due = Domain(
                "rating_requested_date", "<=", now - timedelta(days=step.rating_close_days)
            )
            if step.rating_reminder_days:
                reminder = now - timedelta(days=step.rating_reminder_days)
                due |= Domain("rating_reminded_date", "=", False) & Domain(
                    "rating_requested_date", "<=", reminder
                )
            per_step.append(Domain("step_id", "=", step.id) & due)
        return (
            Domain("state", "=", "due")
            & Domain("answer_state", "=", "waiting")
            & Domain.OR(per_step)
        )

    @api.model
    def _process_rating_waits(self, batch_size=None):
        """Remind the customers who did not answer a rating request (once), and
        close as "no answer" the follow-ups whose wait is over: a locked batch
        per transaction, as the due follow-ups (two runs never remind twice)."""
        # A system job, as the due follow-ups' (see _cron_process_due).
        self = self.sudo().with_context(tracking_disable=True)
        batch_size = batch_size or self._get_batch_size()
        domain = self._get_rating_wait_domain()
        seen = []  # left waiting (no e-mail to remind): not looked at again in this run
        while batch := self._lock_batch(domain & Domain("id", "not in", seen), batch_size):
            seen += batch.ids
            batch._run_isolated(
                lambda followups: followups._process_rating_wait_batch(),
                get_template=lambda followup: followup.step_id.rating_template_id,
            )
            if not self.env["ir.cron"]._commit_progress(len(batch)):
                return  # out of time: the cron is called again for the rest

    def _process_rating_wait_batch(self):
        now = fields.Datetime.now()
        closing = self.filtered(
            lambda f: f.rating_requested_date + timedelta(days=f.step_id.rating_close_days) <= now
        )
        closing._close(no_answer=True)
        reminding = (self - closing).filtered(
            lambda f: not f.rating_reminded_date and f._can_email_customer()
        )
        failed = reminding._send_rating_requests()
        (reminding - failed)._workflow().rating_reminded_date = now
