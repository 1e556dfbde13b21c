from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty, plaintext2html

from .date_checks import check_date_years

# What the customer may ask for in the portal, and the type of case it opens.
REQUEST_KINDS = {
    "repair": "repair",
    "maintenance": "service_request",
    "question": "service_request",
}
MAX_REQUEST_FILES = 5
MAX_REQUEST_FILE_SIZE = 10 * 1024 * 1024

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

    _name = "service.history"
    _inherit = ["service.history", "service.workflow.mixin", "portal.mixin"]

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

    portal_visible = fields.Boolean(
        string="Visible to the Customer",
        compute="_compute_portal_visible",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Shown in the customer portal. Sales notes and internal entries never are: "
        "their types are not visible to the customer.",
    )

    @api.depends("type_id")
    def _compute_portal_visible(self):
        for entry in self:
            entry.portal_visible = entry.type_id.portal_visible

    def _compute_access_url(self):
        super()._compute_access_url()
        for entry in self:
            entry.access_url = f"/my/service/{entry.id}"

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
        return super().create(vals_list)

    def write(self, vals):
        result = super().write(vals)
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

    # === CUSTOMER PORTAL ===

    @api.model
    def _get_portal_request_kinds(self):
        return [
            ("repair", self.env._("Repair")),
            ("maintenance", self.env._("Maintenance")),
            ("question", self.env._("Question")),
        ]

    @api.model
    def _create_portal_request(self, kind, description, equipment=None, files=()):
        """A service request of the portal user: an open case for the service
        department, about one of his pieces of equipment or in general.

        The only way a portal user creates an entry: he has no create right on
        entries (over RPC he could otherwise log a maintenance that rolls his
        piece's reminders forward, a sale, or an entry posing as the staff's).
        What he chooses is checked here as him (the kind, the text, the files,
        that he may read the piece); the case is then written by the system with
        the values a request has, the creator staying him.
        """
        labels = dict(self._get_portal_request_kinds())
        if kind not in REQUEST_KINDS:
            raise ValidationError(
                self.env._("Choose what you need: a repair, a maintenance or an answer.")
            )
        # PostgreSQL stores no NUL character: a pasted one would fail the request.
        description = (description or "").replace("\x00", "").strip()
        if not description:
            raise ValidationError(self.env._("Tell us what happens or what you need."))
        if len(description) > 10000:
            raise ValidationError(
                self.env._("The description is too long (10 000 characters at most).")
            )
        attachments = self._read_portal_request_files(files)
        if equipment:
            equipment.check_access("read")  # his own equipment only
        request_type = self.env["service.history.type"]._get_by_code(REQUEST_KINDS[kind])
        first_line = description.splitlines()[0][:80]
        subject = equipment.display_name if equipment else first_line
        case = self.sudo().create(
            {
                "partner_id": self.env.user.partner_id.id,
                "type_id": request_type.id,
                "summary": f"{labels[kind]}: {subject}",
                "description": plaintext2html(description),
                "equipment_id": equipment.id if equipment else False,
                "order_id": equipment.order_id.id if equipment else False,
                "product_id": equipment.product_id.id if equipment else False,
                "user_id": False,
                "source": "portal",
                "portal_visible": True,
            }
        )
        # The service department's side of the request (portal users neither
        # assign cases nor plan activities), on this new case only.
        case._assign_portal_request(attachments)
        return case.with_env(self.env)

    @api.model
    def _read_portal_request_files(self, files):
        """The files of a portal request as ``[(name, content)]``, every one
        read and checked before the case is created: a file too large refuses
        the whole request, never leaving a case without its files behind."""
        files = [f for f in files if f and f.filename]
        if len(files) > MAX_REQUEST_FILES:
            raise ValidationError(
                self.env._("Attach %(count)s files at most.", count=MAX_REQUEST_FILES)
            )
        attachments = []
        for upload in files:
            content = upload.read(MAX_REQUEST_FILE_SIZE + 1)
            if len(content) > MAX_REQUEST_FILE_SIZE:
                raise ValidationError(
                    self.env._("%(name)s is larger than 10 MB.", name=upload.filename)
                )
            attachments.append((upload.filename, content))
        return attachments

    def _assign_portal_request(self, attachments=()):
        """:param attachments: ``[(name, content)]``, checked already"""
        self.ensure_one()
        order = self.equipment_id.order_id
        owner = (
            order and order._get_service_responsible()
        ) or self.company_id.handover_default_user_id
        if owner:
            self.owner_id = owner
        self._schedule_case_activity()
        self.env["ir.attachment"].create(
            [
                {"name": name, "raw": content, "res_model": self._name, "res_id": self.id}
                for name, content in attachments
            ]
        )
