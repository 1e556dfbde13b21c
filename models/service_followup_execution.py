"""The scheduled action that carries out the due follow-ups: batches, row
locks, stop conditions, activities and e-mails, failures and retries."""

import logging
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_date, split_every

from odoo.addons.base.models.ir_qweb import QWebError

_logger = logging.getLogger(__name__)


DEFAULT_BATCH_SIZE = 1000
DEFAULT_MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(hours=1)
LOCK_ATTEMPTS = 5


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _get_max_attempts(self):
        return self._get_int_param(
            "sale_after_sales.followup_max_attempts", DEFAULT_MAX_ATTEMPTS, 1, 100
        )

    @api.model
    def _get_batch_size(self):
        return self._get_int_param(
            "sale_after_sales.followup_batch_size", DEFAULT_BATCH_SIZE, 1, 10000
        )

    @api.model
    def _get_int_param(self, key, default, minimum, maximum):
        """The whole number of system parameter ``key``, from ``minimum`` to
        ``maximum``; a value typed wrong is logged and ``default`` is used, so a
        typo in the settings never stops the scheduled action."""
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if value in (None, False, ""):
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            _logger.warning(
                "System parameter %s is %r; it takes a whole number from %s to %s: using %s.",
                key,
                value,
                minimum,
                maximum,
                default,
            )
            return default
        return number

    @api.model
    def _get_due_domain(self):
        """Follow-ups the scheduled action carries out now."""
        now = fields.Datetime.now()
        return Domain("planned_date", "<=", fields.Date.context_today(self)) & (
            Domain("state", "=", "planned")
            | (
                Domain("state", "=", "failed")
                & Domain("attempt_count", "<", self._get_max_attempts())
                & (Domain("retry_date", "=", False) | Domain("retry_date", "<=", now))
            )
        )

    @api.model
    def _lock_due_batch(self, limit):
        """Lock and return up to ``limit`` due follow-ups that no other
        transaction holds (``FOR UPDATE SKIP LOCKED``): two runs at the same
        time never carry out the same follow-up."""
        return self._lock_batch(self._get_due_domain(), limit)

    @api.model
    def _lock_batch(self, domain, limit):
        """Lock and return up to ``limit`` follow-ups of ``domain`` that no
        other transaction holds, oldest first."""
        query = self._search(domain, order="planned_date, id", limit=limit)
        sql = SQL("%s FOR UPDATE SKIP LOCKED", query.select())
        for _attempt in range(LOCK_ATTEMPTS):
            try:
                with self.env.cr.savepoint(flush=False):
                    # Not logged: the failure below is expected and handled.
                    self.env.cr.execute(sql, log_exceptions=False)
                    return self.browse(row[0] for row in self.env.cr.fetchall())
            except SerializationFailure:
                # Another run carried out some of these rows after this
                # transaction's snapshot was taken: look again in a new one.
                self.env["ir.cron"]._commit_progress()
        return self.browse()

    @api.model
    def _cron_process_due(self, batch_size=None):
        """Carry out the due follow-ups, a batch per transaction.

        Progress is committed after every batch (``ir.cron._commit_progress``),
        so a crash loses at most the batch in progress, which is simply done
        again by the next run (nothing of it was committed).
        """
        # A system job: it works for every salesperson (sudo), and its state
        # changes are the follow-up's own trail, not messages (tracking off).
        self = self.sudo().with_context(tracking_disable=True)
        batch_size = batch_size or self._get_batch_size()
        IrCron = self.env["ir.cron"]
        # First the follow-ups held by a complaint: those whose complaint closed
        # are due again, and carried out below in this run.
        self._process_complaint_waits(batch_size)
        IrCron._commit_progress(remaining=self.search_count(self._get_due_domain()))
        while True:
            batch = self._lock_due_batch(batch_size)
            if not batch:
                break
            batch._process()
            if not IrCron._commit_progress(len(batch)):
                return  # out of time: the cron is called again for the rest
        self._process_rating_waits(batch_size)

    @api.model
    def _process_complaint_waits(self, batch_size):
        """The follow-ups waiting for their customer's complaint to close: due
        again once it is closed, skipped (saying why) once they waited their
        step's limit. A batch costs one grouped query on the complaints."""
        waiting = self.search([("state", "=", "waiting")], order="planned_date, id")
        for batch in split_every(batch_size, waiting.ids, self.browse):
            complaining = batch._get_complaining_customers()
            held = batch.filtered(lambda f, c=complaining: f.commercial_partner_id in c)
            (batch - held)._workflow().write(
                {"state": "planned", "failure_reason": False, "retry_date": False}
            )
            held._hold_for_complaint()
            if not self.env["ir.cron"]._commit_progress(len(batch)):
                return

    def _hold_for_complaint(self):
        """These follow-ups' customers have an open complaint, and their steps
        wait for it to close: waiting, saying until when, or skipped once they
        waited their step's limit."""
        today = fields.Date.context_today(self)
        for followup in self:
            limit = followup._get_complaint_wait_limit()
            if today > limit:
                vals = {
                    "state": "skipped",
                    "failure_reason": self.env._(
                        "Skipped: %(customer)s's complaint was still open %(days)s days after "
                        "the follow-up was due.",
                        customer=followup.partner_id.display_name,
                        days=followup.step_id.complaint_wait_days,
                    ),
                }
            else:
                vals = {
                    "state": "waiting",
                    "failure_reason": self.env._(
                        "Waiting: %(customer)s has an open complaint. Carried out once it is "
                        "closed; skipped if it is still open on %(limit)s.",
                        customer=followup.partner_id.display_name,
                        limit=format_date(self.env, limit),
                    ),
                }
            if followup.state != vals["state"] or followup.failure_reason != vals["failure_reason"]:
                followup._workflow().write({**vals, "retry_date": False})

    def _get_complaint_wait_limit(self):
        """The last day this follow-up waits for its customer's complaint to close."""
        self.ensure_one()
        return self.planned_date + timedelta(days=self.step_id.complaint_wait_days)

    def _process(self):
        """Carry out these due follow-ups: activities and e-mails.

        The whole batch goes at once; if anything fails, each follow-up is
        tried alone, so that one failing follow-up is marked failed and the
        others are carried out.
        """
        # The system's own state changes: the follow-up's fields say them (no tracking).
        self = self.with_context(tracking_disable=True)
        self._filter_executable()._run_isolated(lambda followups: followups._execute())

    def _run_isolated(self, work, get_template=None):
        """Do ``work`` (a function of follow-ups) on this batch at once, in a
        savepoint; if it fails, on each half of it, and so on down to single
        follow-ups: the one that fails alone is marked failed with the reason
        (naming ``get_template(followup)``, the template it was sending), the
        others are carried out.

        Halving keeps a failure cheap in a large batch: one failing follow-up
        among n costs about 2·log2(n) tries of smaller batches (20 for 1 000),
        where trying each follow-up alone cost n tries, each as slow as Odoo's
        own one-record tools."""
        pending = [self]
        while pending:
            followups = pending.pop()
            try:
                with self.env.cr.savepoint():
                    work(followups)
            except Exception as error:  # noqa: BLE001 - isolated below, or recorded
                if len(followups) == 1:
                    template = get_template(followups) if get_template else None
                    followups._mark_failed(followups._get_failure_reason(error, template=template))
                    continue
                if followups is self:
                    _logger.info(
                        "A batch of %s follow-ups failed; trying it in halves to find "
                        "the failing ones",
                        len(self),
                    )
                half = len(followups) // 2
                # The first half first: follow-ups are carried out in order.
                pending += [followups[half:], followups[:half]]

    def _filter_executable(self):
        """The follow-ups that can be carried out; the others are marked failed
        with the reason (no e-mail address, nobody to assign...)."""
        skipped = self._skip_if_stopped()
        followups = self - skipped
        memo = {}  # what many follow-ups of the batch share: their step, assignee
        reasons = {followup: followup._get_blocking_reason(memo) for followup in followups}
        for followup, reason in reasons.items():
            if reason:
                followup._mark_failed(reason)
        return followups.filtered(lambda f: not reasons[f])

    def _skip_if_stopped(self):
        """Hold or skip, saying why, the follow-ups that must not reach their
        customer now: steps that wait or skip while a complaint is open, and
        e-mail-only steps for a customer who cannot be e-mailed (blacklisted,
        opted out). Returns them."""
        complaining = self._get_complaining_customers()
        held = self.filtered(
            lambda f: (
                f.step_id.open_complaint_policy == "wait" and f.commercial_partner_id in complaining
            )
        )
        held._hold_for_complaint()
        skipped = held
        gift_reasons = (self - held)._get_gift_skip_reasons()
        for followup in self - held:
            reason = gift_reasons.get(followup) or followup._get_skip_reason(complaining)
            if reason:
                followup._workflow().write(
                    {"state": "skipped", "failure_reason": reason, "retry_date": False}
                )
                skipped |= followup
        return skipped

    def _get_complaining_customers(self):
        """The customer entities of these follow-ups with an open complaint."""
        if all(policy == "proceed" for policy in self.step_id.mapped("open_complaint_policy")):
            return self.env["res.partner"]
        return self._get_open_complaint_customers()

    def _get_open_complaint_customers(self):
        """The customer entities of these follow-ups with an open complaint,
        whatever their steps do about it (one grouped query)."""
        groups = self.env["service.history"]._read_group(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("type_id.code", "=", "complaint"),
                ("case_state", "in", ("open", "in_progress")),
            ],
            ["commercial_partner_id"],
        )
        return self.env["res.partner"].union(*(partner for (partner,) in groups))

    def _get_skip_reason(self, complaining):
        self.ensure_one()
        step = self.step_id
        if step.open_complaint_policy == "skip" and self.commercial_partner_id in complaining:
            return self.env._(
                "Skipped: %(customer)s has an open complaint.",
                customer=self.partner_id.display_name,
            )
        mails_only = (
            step.send_mail or step.ask_rating or step.gift_program_id
        ) and not step.create_activity
        if mails_only and self.partner_id.email and not self._can_email_customer():
            return self.env._(
                "Skipped: %(customer)s does not want our e-mails (%(reason)s).",
                customer=self.partner_id.display_name,
                reason=self._get_no_email_reason(),
            )
        return False

    def _can_email_customer(self):
        """Whether the customer may be e-mailed: he has an address, not on Odoo's
        blacklist, and did not opt out of after-sales e-mails."""
        self.ensure_one()
        partner = self.partner_id
        return bool(partner.email) and not self._get_no_email_reason()

    def _get_no_email_reason(self):
        self.ensure_one()
        partner = self.partner_id
        if partner.is_blacklisted:
            return self.env._("address on the blacklist")
        if partner.commercial_partner_id.service_email_opt_out or partner.service_email_opt_out:
            return self.env._("opted out of after-sales e-mails")
        return False

    def _get_blocking_reason(self, memo=None):
        """Why this follow-up cannot be carried out now (False when it can).

        :param dict memo: shared by the follow-ups of one batch, for the checks
            that depend on their step and assignee only.
        """
        self.ensure_one()
        memo = {} if memo is None else memo
        step = self.step_id
        if self.order_id.state != "sale":
            return self.env._(
                "The order %(order)s is not confirmed any more.", order=self.order_id.name
            )
        if self.equipment_id.state == "retired":
            return self.env._(
                "The equipment %(equipment)s is retired.", equipment=self.equipment_id.display_name
            )
        if (
            step.send_mail or step.gift_program_id or (step.ask_rating and not step.create_activity)
        ) and not self.partner_id.email:
            return self.env._(
                "The customer %(customer)s has no e-mail address.",
                customer=self.partner_id.display_name,
            )
        if ("model", step) not in memo:
            memo["model", step] = step._get_model_error(used_only=True)
        if error := memo["model", step]:
            return error
        if step.gift_program_id:
            if ("gift", step) not in memo:
                memo["gift", step] = step._get_gift_error()
            if error := memo["gift", step]:
                return error
        key = ("assignee", step, self.user_id, self.company_id)
        if key not in memo:
            memo[key] = step._is_valid_assignee(self.user_id, self.company_id)
        if step.create_activity and not memo[key]:
            assignment = step._determine_responsible(False, self.order_id)
            if assignment["error"]:
                return assignment["error"]
            self.user_id = assignment["responsible"]
        return False

    def _get_failure_reason(self, error, template=None):
        """What an administrator reads when this follow-up could not be carried
        out because of ``error``: the step, its template (``template``, else the
        step's e-mail or rating template) and the cause, not the template's
        source."""
        self.ensure_one()
        step = self.step_id
        template = template or (
            step.mail_template_id if step.send_mail else step.ask_rating and step.rating_template_id
        )
        cause = error
        while cause.__cause__ is not None:
            cause = cause.__cause__
        if isinstance(cause, QWebError):
            detail = cause.qweb.error
        else:
            detail = str(cause) or cause.__class__.__name__
        rendering = isinstance(cause, QWebError) or (
            isinstance(error, UserError) and error.__cause__ is not None
        )
        if template and rendering:
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the e-mail template '%(template)s' could "
                "not be filled in for %(order)s: %(error)s. Correct the template (Settings → "
                "Technical → E-mail Templates), then retry the follow-up.",
                step=step.name,
                plan=self.plan_id.name,
                template=template.name,
                order=self.order_id.name,
                error=detail,
            )
        return self.env._(
            "Step '%(step)s' of plan '%(plan)s' could not be carried out for %(order)s: %(error)s",
            step=step.name,
            plan=self.plan_id.name,
            order=self.order_id.name,
            error=detail,
        )

    def _execute(self):
        """Create the activities and send the e-mails of these follow-ups (in batch).

        A step that asks for a rating e-mails the rating request (Odoo's rating
        links) and waits for the answer; customers who cannot be e-mailed get
        its activity instead. Nothing is e-mailed to a blacklisted address or a
        customer who opted out. A follow-up whose e-mail fails to render is
        marked failed, with nothing of it done; the others go on."""

        # What a step asks is read once per step, not once per follow-up: the
        # batch is grouped by step once.
        by_step = self.grouped("step_id")

        def of_steps(condition):
            """These follow-ups (in their order) whose step meets ``condition``."""
            return self & self.browse().concat(
                *(followups for step, followups in by_step.items() if condition(step))
            )

        mailable = of_steps(lambda s: s.send_mail or s.ask_rating or s.gift_program_id).filtered(
            lambda f: f._can_email_customer()
        )
        failed = mailable._send_step_mails()
        # The gift's card and e-mail (service_followup_gift.py): nothing of a
        # follow-up whose gift e-mail fails is kept.
        gifting = (of_steps(lambda s: s.gift_program_id) & mailable) - failed
        failed |= gifting.filtered(lambda f: not f.loyalty_card_id)._give_gifts()
        rating = of_steps(lambda s: s.ask_rating).filtered(lambda f: not f.rating_requested_date)
        rating_by_mail = (rating & mailable) - failed
        failed |= rating_by_mail._send_rating_requests()
        executed = self - failed
        rating_by_mail -= failed
        # An activity for each step that plans one, except a rating step whose
        # customer may be e-mailed: he gets the rating request instead.
        with_activity = (
            executed
            & (
                of_steps(lambda s: s.create_activity and not s.ask_rating)
                | (of_steps(lambda s: s.create_activity and s.ask_rating) - mailable)
            )
        ).filtered(lambda f: not f.activity_id)
        # One notification e-mail per automated activity would flood the
        # assignees: they find them in their activities and "My Follow-ups".
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create([followup._prepare_activity_vals() for followup in with_activity])
        )
        for followup, activity in zip(with_activity._workflow(), activities, strict=True):
            followup.activity_id = activity
        rating_by_mail._workflow().write(
            {"rating_requested_date": fields.Datetime.now(), "answer_state": "waiting"}
        )
        now = fields.Datetime.now()
        done = executed & of_steps(lambda s: not s.create_activity and not s.ask_rating)
        done._workflow().write(
            {"state": "done", "done_date": now, "done_by_id": self.env.user.id, "retry_date": False}
        )
        (executed - done)._workflow().write({"state": "due", "retry_date": False})
        executed._increment_attempts()

    def _increment_attempts(self):
        for attempts, followups in self.grouped("attempt_count").items():
            followups._workflow().attempt_count = attempts + 1

    def _mark_failed(self, reason):
        self.ensure_one()
        attempts = self.attempt_count + 1
        final = attempts >= self._get_max_attempts()
        self._workflow().write(
            {
                "state": "failed",
                "failure_reason": reason,
                "attempt_count": attempts,
                "retry_date": False if final else fields.Datetime.now() + RETRY_DELAY * attempts,
            }
        )
        if final:
            # Nothing is dropped silently: the order says it, and the follow-up
            # stays in the "Failed" list until someone retries or cancels it.
            self.order_id.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._(
                        "Follow-up '%(followup)s' failed %(count)s times and will not be "
                        "tried again automatically.",
                        followup=self.name,
                        count=attempts,
                    ),
                    reason,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _prepare_activity_vals(self):
        self.ensure_one()
        step = self.step_id
        activity_type = step.activity_type_id or self.env.ref("mail.mail_activity_data_todo")
        return {
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": self.order_id.id,
            "activity_type_id": activity_type.id,
            "summary": step.summary or self.name,
            "note": step.note or False,
            "user_id": self.user_id.id,
            "date_deadline": self.planned_date,
        }
