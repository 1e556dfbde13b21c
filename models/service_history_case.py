from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from .date_checks import check_date_years

CASE_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("cancelled", "Cancelled"),
]
OPEN_CASE_STATES = ("open", "in_progress")


class ServiceHistory(models.Model):
    """Cases: service history entries of the types that need handling (a
    complaint, a repair, a service request), with an owner, a deadline, a state
    and a resolution."""

    _inherit = "service.history"

    # The case's state and when it was resolved change through its buttons.
    _workflow_fields = ("case_state", "resolved_date")
    _derived_fields = ("commercial_partner_id", "is_case")

    is_case = fields.Boolean(related="type_id.is_case", store=True, index=True)
    case_state = fields.Selection(
        CASE_STATES,
        index="btree_not_null",
        tracking=True,
        copy=False,
        group_expand=True,
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Case Owner",
        index="btree_not_null",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who handles the case until it is resolved.",
    )
    deadline = fields.Date(tracking=True, help="When the case must be resolved.")
    resolution = fields.Html(help="What was done about it; the case is resolved with it.")
    resolved_date = fields.Datetime(string="Resolved On", copy=False, readonly=True)
    is_late = fields.Boolean(
        string="Past Deadline", compute="_compute_is_late", search="_search_is_late"
    )
    followup_id = fields.Many2one(
        "service.followup",
        string="From Follow-up",
        index="btree_not_null",
        ondelete="set null",
        help="The follow-up whose low score opened this case.",
    )
    source = fields.Selection(
        [("staff", "Staff"), ("customer", "Customer (rating)"), ("portal", "Customer (portal)")],
        default="staff",
        required=True,
        help="Who recorded the entry.",
    )

    @api.depends("case_state", "deadline")
    @api.depends_context("date")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for entry in self:
            entry.is_late = bool(
                entry.case_state in OPEN_CASE_STATES and entry.deadline and entry.deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [
            ("case_state", "in", OPEN_CASE_STATES),
            ("deadline", "<", fields.Date.context_today(self)),
        ]
        if (operator == "in") == (True in value):
            return domain
        return ["!", *domain]

    @api.model
    def _get_workflow_initial_values(self):
        return {"case_state": "open"}

    @api.constrains("deadline")
    def _check_deadline_years(self):
        check_date_years(self, ["deadline"])

    @api.model_create_multi
    def create(self, vals_list):
        types = self.env["service.history.type"].browse(
            vals.get("type_id") for vals in vals_list if vals.get("type_id")
        )
        for vals in vals_list:
            if vals.get("type_id") and types.browse(vals["type_id"]).is_case:
                vals.setdefault("case_state", "open")  # a new case starts open
                vals.setdefault("deadline", self._get_case_default_deadline())
        entries = super().create(vals_list)
        entries._subscribe_case_owner()
        return entries

    def write(self, vals):
        result = super().write(vals)
        if vals.get("owner_id"):
            self._subscribe_case_owner()
        if "type_id" in vals:
            # Made a case by changing its type: it opens.
            self.filtered(lambda e: e.is_case and not e.case_state)._workflow().write(
                {"case_state": "open", "deadline": self._get_case_default_deadline()}
            )
        return result

    # === ACTION METHODS ===

    def action_case_start(self):
        self._check_case_state(("open",))
        self.filtered(lambda e: not e.owner_id).owner_id = self.env.user
        self._workflow().case_state = "in_progress"
        return True

    def action_case_resolve(self):
        self._check_case_state(OPEN_CASE_STATES)
        unresolved = self.filtered(lambda e: is_html_empty(e.resolution))
        if unresolved:
            raise UserError(
                self.env._(
                    "Write what was done (the Resolution) before resolving %(cases)s.",
                    cases=", ".join(unresolved.mapped("display_name")),
                )
            )
        self._workflow().write({"case_state": "resolved", "resolved_date": fields.Datetime.now()})
        self.activity_feedback(
            ["sale_after_sales.mail_activity_type_case"], feedback=self.env._("Case resolved")
        )
        return True

    def action_case_cancel(self):
        self._check_case_state(OPEN_CASE_STATES)
        self._workflow().case_state = "cancelled"
        self.activity_unlink(["sale_after_sales.mail_activity_type_case"])
        return True

    def action_case_reopen(self):
        self._check_case_state(("resolved", "cancelled"))
        self._workflow().write({"case_state": "open", "resolved_date": False})
        return True

    def action_customer_preview(self):
        """This entry's page in the customer portal, as the customer sees it."""
        self.ensure_one()
        if not self.portal_visible:
            raise UserError(self.env._("This entry is not visible to the customer."))
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "self"}

    # === BUSINESS METHODS ===

    def _check_case_state(self, states):
        wrong = self.filtered(lambda e: e.case_state not in states)
        if wrong:
            raise UserError(
                self.env._(
                    "This cannot be done on %(entries)s: only on cases that are %(states)s.",
                    entries=", ".join(wrong.mapped("display_name")),
                    states=", ".join(dict(CASE_STATES)[state] for state in states),
                )
            )

    @api.model
    def _get_default_case_owner(self, order, company):
        """Who handles a new case, whatever opened it (a low score, a portal
        request of any kind): the order's service responsible, else the
        company's default service responsible, else the order's salesperson."""
        return (
            (order and order._get_service_responsible())
            or company.handover_default_user_id
            or order.user_id
        )

    def _subscribe_case_owner(self):
        """The case's owner follows it: what the customer writes on it (in the
        portal, by e-mail) reaches him."""
        for owner, cases in self.filtered("owner_id").grouped("owner_id").items():
            cases.message_subscribe(partner_ids=owner.partner_id.ids)

    @api.model
    def _get_case_default_deadline(self):
        days = self.env.company.complaint_deadline_days
        return fields.Date.context_today(self) + timedelta(days=days)

    def _schedule_case_activity(self):
        """The owner's to-do: resolve the case by its deadline."""
        for case in self.filtered(lambda e: e.owner_id):
            case.activity_schedule(
                "sale_after_sales.mail_activity_type_case",
                date_deadline=case.deadline,
                user_id=case.owner_id.id,
                note=Markup("<p>%s</p>") % case.summary,
            )
