from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .date_checks import check_date_years
from .service_followup_plan import TRIGGERS
from .service_history import SATISFACTION_LEVELS

FOLLOWUP_STATES = [
    ("planned", "Planned"),
    ("waiting", "Waiting"),
    ("due", "Due"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
    ("skipped", "Skipped"),
    ("held_back", "Held Back"),
]
# Follow-ups still to be carried out or closed.
OPEN_STATES = ("planned", "waiting", "due", "failed")


class ServiceFollowup(models.Model):
    _name = "service.followup"
    _inherit = [
        "service.workflow.mixin",
        "rating.mixin",
        "mail.activity.mixin",
    ]
    _description = "After-Sales Follow-up"
    _order = "planned_date, id"
    _check_company_auto = True

    # What the follow-up is about and how it went: written by the scheduled
    # action and the follow-up's actions only (service.workflow.mixin). Users
    # change the name, the date and the assignee of an open follow-up.
    _workflow_create_fields = (
        "order_id",
        "plan_id",
        "step_id",
        "trigger",
        "equipment_id",
        "equipment_due_date",
    )
    _derived_fields = ("partner_id", "commercial_partner_id", "company_id")
    _workflow_fields = (
        *_workflow_create_fields,
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
        help="Planned: waits for its date. Waiting: due, but held while the customer has "
        "an open complaint (see the reason). Due: its activity is open. Done: the activity "
        "was marked done, or the e-mail was sent. Failed: it could not be carried out "
        "(see the reason); it is tried again a few times. Held back: this customer is in "
        "the plan's comparison group; nothing is sent, and nothing failed.",
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
    # The staff's notes and the technical reason of a failure: not for the
    # customer, who reads his follow-ups (the ratings he is asked for).
    feedback = fields.Html(copy=False, groups="base.group_user")
    satisfaction = fields.Selection(SATISFACTION_LEVELS, default="0", copy=False)
    done_by_id = fields.Many2one("res.users", string="Done by", copy=False)
    done_date = fields.Datetime(string="Done on", copy=False)
    failure_reason = fields.Text(copy=False, groups="base.group_user")
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
    # The open follow-ups in their list order (My Follow-ups), found without
    # reading the carried-out history: flat as the history grows (make bench --growth).
    _open_index = models.Index(
        "(planned_date, id) WHERE state IN ('planned', 'waiting', 'due', 'failed')"
    )

    @api.constrains("planned_date")
    def _check_date_years(self):
        check_date_years(self, ["planned_date"])

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
            self._check_not_held_back()
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
        self._check_not_held_back()
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
        self._check_not_held_back()
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

    def _check_not_held_back(self):
        """Refuse to carry out, close, retry or change held-back follow-ups:
        their customer is in the comparison group of the plan."""
        held = self.filtered(lambda f: f.state == "held_back")
        if held:
            raise UserError(
                self.env._(
                    "%(names)s: held back. The customer is in the comparison group of the "
                    "plan: its automatic follow-ups are recorded, never carried out (nothing "
                    "failed). To care for him anyway, apply the plan to the order by hand "
                    "(Apply a Follow-up Plan).",
                    names=", ".join(held.mapped("display_name")),
                )
            )

    def _trigger_if_due(self):
        """Due today (the thank-you e-mail): do not wait for the hourly run."""
        today = fields.Date.context_today(self)
        if any(f.state != "held_back" and f.planned_date <= today for f in self):
            cron = self.env.ref(
                "sale_after_sales.ir_cron_process_due_followups", raise_if_not_found=False
            )
            if cron:
                cron._trigger()
