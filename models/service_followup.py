import logging
from datetime import timedelta

from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, html2plaintext, plaintext2html

from odoo.addons.base.models.ir_qweb import QWebError

from .ir_qweb import QWEB_BATCH_CACHE_KEY, QwebBatchCache
from .service_followup_plan import TRIGGERS
from .service_history import SATISFACTION_LEVELS

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
DEFAULT_MAX_ATTEMPTS = 3
RETRY_DELAY = timedelta(hours=1)
LOCK_ATTEMPTS = 5
FOLLOWUP_STATES = [
    ("planned", "Planned"),
    ("due", "Due"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
]
# Follow-ups still to be carried out or closed.
OPEN_STATES = ("planned", "due", "failed")


class ServiceFollowup(models.Model):
    _name = "service.followup"
    _inherit = ["service.workflow.mixin", "rating.mixin", "mail.activity.mixin"]
    _description = "After-Sales Follow-up"
    _order = "planned_date, id"
    _check_company_auto = True

    # What the follow-up is about and how it went: written by the scheduled
    # action and the follow-up's actions only (service.workflow.mixin). Users
    # change the name, the date and the assignee of an open follow-up.
    _workflow_fields = (
        "order_id",
        "plan_id",
        "step_id",
        "trigger",
        "equipment_id",
        "equipment_due_date",
        "state",
        "activity_id",
        "mail_message_id",
        "feedback",
        "satisfaction",
        "done_by_id",
        "done_date",
        "failure_reason",
        "attempt_count",
        "retry_date",
        "rating_requested_date",
        "rating_reminded_date",
        "answer_state",
        "case_id",
    )
    _workflow_create_fields = (
        "order_id",
        "plan_id",
        "step_id",
        "trigger",
        "equipment_id",
        "equipment_due_date",
    )

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="order_id.partner_id.commercial_partner_id",
        string="Customer Entity",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    plan_id = fields.Many2one(
        "service.followup.plan",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    step_id = fields.Many2one(
        "service.followup.plan.step",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    trigger = fields.Selection(TRIGGERS, required=True)
    equipment_id = fields.Many2one(
        "service.equipment",
        index="btree_not_null",
        ondelete="cascade",
        check_company=True,
    )
    equipment_due_date = fields.Date(
        string="For the Date",
        help="The maintenance or warranty end date of the equipment this follow-up is for.",
    )
    planned_date = fields.Date(required=True, index=True, tracking=True)
    state = fields.Selection(
        FOLLOWUP_STATES,
        required=True,
        default="planned",
        index=True,
        tracking=True,
        help="Planned: waits for its date. Due: its activity is open. Done: the activity "
        "was marked done, or the e-mail was sent. Failed: it could not be carried out "
        "(see the reason); it is tried again a few times.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    due_bucket = fields.Selection(
        [
            ("overdue", "Overdue"),
            ("today", "Today"),
            ("next_days", "Next 7 Days"),
            ("later", "Later"),
            ("closed", "Closed"),
        ],
        string="Due",
        compute="_compute_due_bucket",
        store=True,
        index=True,
        group_expand=True,
        help="When the follow-up is due, as Odoo sorts activities; refreshed every night.",
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null", copy=False)
    mail_message_id = fields.Many2one(
        "mail.message", string="E-mail", ondelete="set null", copy=False
    )
    feedback = fields.Html(copy=False)
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", copy=False)
    done_by_id = fields.Many2one("res.users", string="Done by", copy=False)
    done_date = fields.Datetime(string="Done on", copy=False)
    failure_reason = fields.Text(copy=False)
    attempt_count = fields.Integer(string="Attempts", copy=False)
    retry_date = fields.Datetime(
        string="Next Attempt", copy=False, help="When a failed follow-up is tried again."
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue")
    rating_requested_date = fields.Datetime(string="Rating Asked On", copy=False)
    rating_reminded_date = fields.Datetime(string="Rating Reminder Sent On", copy=False)
    answer_state = fields.Selection(
        [("waiting", "Waiting"), ("answered", "Answered"), ("no_answer", "No Answer")],
        string="Customer's Answer",
        copy=False,
        index="btree_not_null",
        help="For follow-ups that ask the customer to rate.",
    )
    case_id = fields.Many2one(
        "service.history",
        string="Complaint",
        copy=False,
        ondelete="set null",
        help="The complaint case its low score opened.",
    )

    # Each step once per order, and for equipment once per piece and date: never
    # two reminders of one maintenance.
    _order_step_equipment_unique = models.UniqueIndex(
        "(order_id, step_id, COALESCE(equipment_id, 0), "
        "COALESCE(equipment_due_date, '1970-01-01'::date))",
        "An order gets each step of a follow-up plan once (per piece of equipment and date).",
    )
    _due_index = models.Index("(planned_date, id) WHERE state IN ('planned', 'failed')")

    @api.depends("step_id")
    def _compute_name(self):
        for followup in self:
            followup.name = followup.step_id.name

    @api.depends("planned_date", "state")
    def _compute_due_bucket(self):
        today = fields.Date.context_today(self)
        for followup in self:
            if followup.state not in OPEN_STATES:
                followup.due_bucket = "closed"
            elif not followup.planned_date or followup.planned_date < today:
                followup.due_bucket = "overdue" if followup.planned_date else "today"
            elif followup.planned_date == today:
                followup.due_bucket = "today"
            elif followup.planned_date <= today + timedelta(days=7):
                followup.due_bucket = "next_days"
            else:
                followup.due_bucket = "later"

    @api.model
    def _cron_refresh_due_buckets(self):
        """Move the open follow-ups to the right column as the days pass."""
        followups = self.sudo().search([("state", "in", OPEN_STATES)])
        self.env.add_to_compute(self._fields["due_bucket"], followups)
        followups.flush_recordset(["due_bucket"])

    @api.depends("planned_date", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for followup in self:
            followup.is_overdue = (
                followup.state in OPEN_STATES
                and followup.planned_date
                and followup.planned_date < today
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _get_workflow_initial_values(self):
        return {"state": "planned", "satisfaction": "0"}

    @api.model
    def formatted_read_group(
        self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None
    ):
        groups = super().formatted_read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if groupby and groupby[0] == "due_bucket":
            for group in groups:
                group["__fold"] = group.get("due_bucket") == "closed"
        return groups

    def write(self, vals):
        if not self._in_workflow() and {"name", "planned_date", "user_id"} & vals.keys():
            closed = self.filtered(lambda f: f.state not in OPEN_STATES)
            if closed:
                raise UserError(
                    self.env._(
                        "Closed follow-ups cannot be changed: %(names)s.",
                        names=", ".join(closed.mapped("display_name")),
                    )
                )
        result = super().write(vals)
        if {"user_id", "planned_date"} & vals.keys():
            self._sync_activities()
        return result

    def _sync_activities(self):
        """Move the open activities of these follow-ups to their assignee and date.

        The activity belongs to the follow-up: the salesperson who reassigns his
        follow-up reassigns its activity too, whoever created it (hence sudo).
        """
        for followup in self.filtered(lambda f: f.state == "due" and f.activity_id.active):
            activity = followup.activity_id.sudo()
            vals = {}
            if followup.user_id and activity.user_id != followup.user_id:
                vals["user_id"] = followup.user_id.id
            if followup.planned_date and activity.date_deadline != followup.planned_date:
                vals["date_deadline"] = followup.planned_date
            if vals:
                activity.write(vals)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open_done_wizard(self):
        self._check_can_close()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Follow-up Done: %(name)s", name=self.name)
            if len(self) == 1
            else self.env._("Follow-ups Done"),
            "res_model": "service.followup.done.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_followup_ids": self.ids},
        }

    def action_retry(self):
        """Plan failed (or cancelled) follow-ups again for the next run."""
        wrong = self.filtered(lambda f: f.state not in ("failed", "cancelled"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only failed or cancelled follow-ups can be tried again: %(names)s.",
                    names=", ".join(wrong.mapped("display_name")),
                )
            )
        today = fields.Date.context_today(self)
        self._workflow().write(
            {"state": "planned", "attempt_count": 0, "retry_date": False, "failure_reason": False}
        )
        # Overdue ones are due today; later ones keep their date.
        self.filtered(lambda f: f.planned_date < today).planned_date = today
        return True

    def action_cancel(self):
        closed = self.filtered(lambda f: f.state == "done")
        if closed:
            raise UserError(
                self.env._(
                    "Done follow-ups cannot be cancelled: %(names)s.",
                    names=", ".join(closed.mapped("display_name")),
                )
            )
        self._cancel()
        return True

    def action_open_order(self):
        self.ensure_one()
        return self.order_id.get_formview_action()

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _trigger_if_due(self):
        """Due today (the thank-you e-mail): do not wait for the hourly run."""
        if any(f.planned_date <= fields.Date.context_today(self) for f in self):
            cron = self.env.ref(
                "sale_after_sales.ir_cron_process_due_followups", raise_if_not_found=False
            )
            if cron:
                cron._trigger()

    def _check_can_close(self):
        wrong = self.filtered(lambda f: f.state not in OPEN_STATES)
        if wrong:
            raise UserError(
                self.env._(
                    "These follow-ups are already closed: %(names)s.",
                    names=", ".join(wrong.mapped("display_name")),
                )
            )

    def _cancel(self):
        """Cancel the pending follow-ups and drop their open activities."""
        pending = self.filtered(lambda f: f.state in OPEN_STATES)
        pending.activity_id.filtered("active").with_context(
            sale_after_sales_cancelling=True
        ).unlink()
        pending._workflow().write({"state": "cancelled", "retry_date": False})
        return pending

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
        self.activity_id.filtered("active").with_context(sale_after_sales_cancelling=True).unlink()
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
        owner = order._get_service_responsible() or order.user_id
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

    @api.model
    def _process_rating_waits(self):
        """Remind the customers who did not answer a rating request (once), and
        close as "no answer" the follow-ups whose wait is over."""
        now = fields.Datetime.now()
        waiting = self.search([("state", "=", "due"), ("answer_state", "=", "waiting")])
        for followup in waiting:
            step = followup.step_id
            asked = followup.rating_requested_date
            if asked + timedelta(days=step.rating_close_days) <= now:
                followup._close(no_answer=True)
            elif (
                step.rating_reminder_days
                and not followup.rating_reminded_date
                and asked + timedelta(days=step.rating_reminder_days) <= now
                and followup._can_email_customer()
            ):
                followup.rating_send_request(
                    step.rating_template_id, lang=followup.partner_id.lang, force_send=False
                )
                followup._workflow().rating_reminded_date = now

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
        query = self._search(self._get_due_domain(), order="planned_date, id", limit=limit)
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
        IrCron._commit_progress(remaining=self.search_count(self._get_due_domain()))
        while True:
            batch = self._lock_due_batch(batch_size)
            if not batch:
                break
            batch._process()
            if not IrCron._commit_progress(len(batch)):
                return  # out of time: the cron is called again for the rest
        self._process_rating_waits()

    def _process(self):
        """Carry out these due follow-ups: activities and e-mails.

        The whole batch goes at once; if anything fails, each follow-up is
        tried alone, so that one failing follow-up is marked failed and the
        others are carried out.
        """
        # The system's own state changes: the follow-up's fields say them (no tracking).
        self = self.with_context(tracking_disable=True)
        ready = self._filter_executable()
        try:
            with self.env.cr.savepoint():
                ready._execute()
        except Exception:  # noqa: BLE001 - isolate the failing follow-ups below
            _logger.info("Follow-up batch failed; carrying out its follow-ups one by one")
            for followup in ready:
                try:
                    with self.env.cr.savepoint():
                        followup._execute()
                except Exception as error:  # noqa: BLE001 - recorded on the follow-up
                    followup._mark_failed(followup._get_failure_reason(error))

    def _filter_executable(self):
        """The follow-ups that can be carried out; the others are marked failed
        with the reason (no e-mail address, nobody to assign...)."""
        skipped = self._skip_if_stopped()
        followups = self - skipped
        reasons = {followup: followup._get_blocking_reason() for followup in followups}
        for followup, reason in reasons.items():
            if reason:
                followup._mark_failed(reason)
        return followups.filtered(lambda f: not reasons[f])

    def _skip_if_stopped(self):
        """Skip, saying why, the follow-ups that must not reach their customer:
        steps that wait while a complaint is open, and e-mail-only steps for a
        customer who cannot be e-mailed (blacklisted, opted out). Returns them."""
        complaining = self._get_complaining_customers()
        skipped = self.browse()
        for followup in self:
            reason = followup._get_skip_reason(complaining)
            if reason:
                followup._workflow().write(
                    {"state": "skipped", "failure_reason": reason, "retry_date": False}
                )
                skipped |= followup
        return skipped

    def _get_complaining_customers(self):
        """The customer entities of these follow-ups with an open complaint."""
        if not any(self.step_id.mapped("skip_if_open_complaint")):
            return self.env["res.partner"]
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
        if step.skip_if_open_complaint and self.commercial_partner_id in complaining:
            return self.env._(
                "Skipped: %(customer)s has an open complaint.",
                customer=self.partner_id.display_name,
            )
        mails_only = (step.send_mail or step.ask_rating) and not step.create_activity
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

    def _get_blocking_reason(self):
        """Why this follow-up cannot be carried out now (False when it can)."""
        self.ensure_one()
        step = self.step_id
        if self.order_id.state != "sale":
            return self.env._(
                "The order %(order)s is not confirmed any more.", order=self.order_id.name
            )
        if self.equipment_id.state == "retired":
            return self.env._(
                "The equipment %(equipment)s is retired.", equipment=self.equipment_id.display_name
            )
        if (step.send_mail or (step.ask_rating and not step.create_activity)) and not (
            self.partner_id.email
        ):
            return self.env._(
                "The customer %(customer)s has no e-mail address.",
                customer=self.partner_id.display_name,
            )
        if step.send_mail and step.mail_template_id.model != "sale.order":
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the e-mail template '%(template)s' is "
                "written for %(model)s records, not for sales orders; choose a sales order "
                "template.",
                step=step.name,
                plan=self.plan_id.name,
                template=step.mail_template_id.name,
                model=step.mail_template_id.model,
            )
        if step.create_activity and step.activity_type_id.res_model not in (False, "sale.order"):
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the activity type '%(type)s' is for "
                "%(model)s records, not for sales orders; choose another activity type.",
                step=step.name,
                plan=self.plan_id.name,
                type=step.activity_type_id.name,
                model=step.activity_type_id.res_model,
            )
        if step.create_activity and not step._is_valid_assignee(self.user_id, self.company_id):
            assignment = step._determine_responsible(False, self.order_id)
            if assignment["error"]:
                return assignment["error"]
            self.user_id = assignment["responsible"]
        return False

    def _get_failure_reason(self, error):
        """What an administrator reads when this follow-up could not be carried
        out because of ``error``: the step, its template and the cause, not the
        template's source."""
        self.ensure_one()
        step = self.step_id
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
        if step.send_mail and rendering:
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the e-mail template '%(template)s' could "
                "not be filled in for %(order)s: %(error)s. Correct the template (Settings → "
                "Technical → E-mail Templates), then retry the follow-up.",
                step=step.name,
                plan=self.plan_id.name,
                template=step.mail_template_id.name,
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
        customer who opted out."""
        mailable = self.filtered(lambda f: f._can_email_customer())
        rating = self.filtered(lambda f: f.step_id.ask_rating and not f.rating_requested_date)
        rating_by_mail = rating & mailable
        with_activity = self.filtered(
            lambda f: (
                f.step_id.create_activity
                and not f.activity_id
                and not (f.step_id.ask_rating and f in mailable)
            )
        )
        # One notification e-mail per automated activity would flood the
        # assignees: they find them in their activities and "My Follow-ups".
        activities = (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create([followup._prepare_activity_vals() for followup in with_activity])
        )
        for followup, activity in zip(with_activity, activities, strict=True):
            followup._workflow().activity_id = activity
        for template, followups in rating_by_mail.grouped(
            lambda f: f.step_id.rating_template_id
        ).items():
            for followup in followups:
                followup.rating_send_request(
                    template, lang=followup.partner_id.lang, force_send=False
                )
        rating_by_mail._workflow().write(
            {"rating_requested_date": fields.Datetime.now(), "answer_state": "waiting"}
        )
        with_mail = (self & mailable).filtered(
            lambda f: f.step_id.send_mail and not f.mail_message_id
        )
        # Each template compiled once for the batch, not once per e-mail (ir.qweb).
        batch_cache = QwebBatchCache()
        for template, followups in with_mail.grouped(lambda f: f.step_id.mail_template_id).items():
            mails = template.with_context(**{QWEB_BATCH_CACHE_KEY: batch_cache}).send_mail_batch(
                [followup.order_id.id for followup in followups],
                email_layout_xmlid="mail.mail_notification_light",
            )
            for followup, mail in zip(followups, mails, strict=True):
                followup._workflow().mail_message_id = mail.mail_message_id
        now = fields.Datetime.now()
        done = self.filtered(lambda f: not f.step_id.create_activity and not f.step_id.ask_rating)
        done._workflow().write(
            {"state": "done", "done_date": now, "done_by_id": self.env.user.id, "retry_date": False}
        )
        (self - done)._workflow().write({"state": "due", "retry_date": False})
        self._increment_attempts()

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
