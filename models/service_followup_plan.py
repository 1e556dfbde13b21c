from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# The longest delay a step may have, in each unit (ten years).
MAX_DELAY = {"days": 3660, "weeks": 522, "months": 120}

TRIGGERS = [
    ("order_confirmed", "Order confirmed"),
    ("invoice_posted", "First customer invoice posted"),
    ("order_paid", "Order fully paid"),
    ("handover_accepted", "Handover to service accepted"),
    ("warranty_ends", "Warranty of a piece of equipment ends"),
]
# What a step does when it is due and its customer has an open complaint.
COMPLAINT_POLICIES = [
    ("proceed", "Carry it out"),
    ("wait", "Wait until it is closed"),
    ("skip", "Skip the step"),
]
DEFAULT_COMPLAINT_WAIT_DAYS = 30
MAX_COMPLAINT_WAIT_DAYS = 365
# Triggers whose steps are planned for each piece of equipment of the order.
EQUIPMENT_TRIGGERS = ("warranty_ends",)


class ServiceFollowupPlan(models.Model):
    _name = "service.followup.plan"
    _inherit = ["service.order.filter.mixin"]
    _description = "After-Sales Follow-up Plan"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    trigger = fields.Selection(TRIGGERS, required=True, default="order_confirmed", index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Gets the activities of the steps assigned to the plan's responsible.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products",
        check_company=True,
        help="The plan applies to orders with at least one of these products. "
        "Leave products and categories empty for every order.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="The plan applies to orders with a product of one of these categories "
        "(or of their subcategories).",
    )
    order_domain = fields.Char(help="Only orders matching this filter get the follow-ups.")
    step_ids = fields.One2many("service.followup.plan.step", "plan_id", string="Steps", copy=True)

    def _filter_orders(self, orders):
        """The orders among ``orders`` that this plan applies to."""
        self.ensure_one()
        orders = self._filter_applicable_orders(orders)
        if self.product_ids or self.product_categ_ids:
            categories = (
                self.env["product.category"].search(
                    [("id", "child_of", self.product_categ_ids.ids)]
                )
                if self.product_categ_ids
                else self.env["product.category"]
            )
            orders = orders.filtered(
                lambda o: any(
                    line.product_id in self.product_ids or line.product_id.categ_id in categories
                    for line in o.order_line
                )
            )
        return self._filter_orders_by_domain(orders)


class ServiceFollowupPlanStep(models.Model):
    _name = "service.followup.plan.step"
    _description = "After-Sales Follow-up Step"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "service.followup.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    # Named as Odoo's activity plans name them (mail.activity.plan.template).
    delay_count = fields.Integer(
        string="Interval", default=0, help="How long after (or before) the trigger the step is due."
    )
    delay_unit = fields.Selection(
        [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")],
        required=True,
        default="days",
    )
    delay_from = fields.Selection(
        [("after_plan_date", "After the trigger"), ("before_plan_date", "Before the trigger")],
        string="Due",
        required=True,
        default="after_plan_date",
    )
    equipment_recurring = fields.Boolean(
        string="Recurring per Equipment",
        help="For each piece of equipment of the order, planned from its next maintenance "
        "date, and again after each maintenance (the interval is the equipment's). Orders "
        "without equipment get the step once, as an ordinary step.",
    )
    working_days = fields.Boolean(
        help="Count the delay in working days of the company's working schedule."
    )
    create_activity = fields.Boolean(string="Schedule an Activity", default=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        domain="[('res_model', 'in', (False, 'sale.order'))]",
        default=lambda self: self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False),
    )
    summary = fields.Char(translate=True)
    note = fields.Html(translate=True)
    send_mail = fields.Boolean(string="Send an E-mail")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'sale.order')]",
    )
    ask_rating = fields.Boolean(
        string="Ask the Customer to Rate",
        help="E-mail the customer rating links: his answer closes the follow-up with his "
        "score and words. Customers without an e-mail get the step's activity instead.",
    )
    rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating E-mail",
        domain="[('model', '=', 'service.followup')]",
        default=lambda self: self.env.ref(
            "sale_after_sales.mail_template_followup_rating", raise_if_not_found=False
        ),
    )
    customer_title = fields.Char(
        string="Title for the Customer",
        translate=True,
        help="The heading of the rating e-mails the customer receives, in his language "
        "(e.g. 'How satisfied are you?'). The step's name stays internal.",
    )
    rating_reminder_days = fields.Integer(
        string="Remind After (Days)",
        default=3,
        help="One reminder when the customer has not answered after this many days (0: none).",
    )
    rating_close_days = fields.Integer(
        string="No Answer After (Days)",
        default=7,
        help="The follow-up closes as 'no answer' (not as a bad score) after this many days.",
    )
    open_complaint_policy = fields.Selection(
        COMPLAINT_POLICIES,
        string="While a Complaint Is Open",
        required=True,
        default="proceed",
        help="When the step is due and the customer has an open complaint. Wait: the step "
        "waits until the complaint is closed (then it is carried out at the next run), at "
        "most the days below, then it is skipped, saying why. Skip: it is skipped at once. "
        "Thanking or asking him to rate while he complains would only add to his annoyance.",
    )
    complaint_wait_days = fields.Integer(
        string="Wait At Most (Days)",
        default=DEFAULT_COMPLAINT_WAIT_DAYS,
        help="How long after its date the step waits for the complaint to close before it "
        "is skipped.",
    )
    # 19.0.2: a boolean; kept for data files and code written for it.
    skip_if_open_complaint = fields.Boolean(
        string="Held While a Complaint Is Open",
        compute="_compute_skip_if_open_complaint",
        inverse="_inverse_skip_if_open_complaint",
        help="Compatibility: set, the step waits while a complaint is open.",
    )
    responsible_type = fields.Selection(
        [
            ("salesperson", "Salesperson of the order"),
            ("service_responsible", "Service responsible of the order"),
            ("other", "A fixed user"),
            ("plan_responsible", "Responsible of the plan"),
        ],
        string="Assignment",
        required=True,
        default="salesperson",
    )
    responsible_id = fields.Many2one(
        "res.users", string="Assigned to", check_company=True, domain="[('share', '=', False)]"
    )

    @api.depends("open_complaint_policy")
    def _compute_skip_if_open_complaint(self):
        for step in self:
            step.skip_if_open_complaint = step.open_complaint_policy != "proceed"

    def _inverse_skip_if_open_complaint(self):
        for step in self:
            if step.skip_if_open_complaint and step.open_complaint_policy == "proceed":
                step.open_complaint_policy = "wait"
            elif not step.skip_if_open_complaint:
                step.open_complaint_policy = "proceed"

    @api.constrains("complaint_wait_days")
    def _check_complaint_wait_days(self):
        for step in self:
            if not 1 <= step.complaint_wait_days <= MAX_COMPLAINT_WAIT_DAYS:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': it waits for a complaint to close from 1 to %(max)s "
                        "days.",
                        step=step.name,
                        max=MAX_COMPLAINT_WAIT_DAYS,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_delay_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_delay_vals(vals)
        return super().write(vals)

    @api.constrains(
        "create_activity",
        "send_mail",
        "mail_template_id",
        "activity_type_id",
        "ask_rating",
        "rating_template_id",
        "rating_reminder_days",
        "rating_close_days",
        "responsible_type",
        "responsible_id",
        "delay_count",
        "delay_unit",
        "delay_from",
        "working_days",
    )
    def _check_step(self):
        for step in self:
            if step.delay_count < 0:
                raise ValidationError(
                    self.env._("Step '%(step)s': the delay cannot be negative.", step=step.name)
                )
            if step.delay_count > MAX_DELAY[step.delay_unit]:
                step._raise_delay_too_long(step.name, step.delay_count, step.delay_unit)
            if error := step._get_model_error():
                raise ValidationError(error)
            if step.ask_rating and step.rating_template_id.model != "service.followup":
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' asks for a rating: choose a rating e-mail template "
                        "written for follow-ups.",
                        step=step.name,
                    )
                )
            if not 0 <= step.rating_reminder_days <= 365 or not 0 < step.rating_close_days <= 365:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the rating reminder comes after 0 to 365 days, and "
                        "'no answer' after 1 to 365 days.",
                        step=step.name,
                    )
                )
            if step.ask_rating and step.rating_reminder_days >= step.rating_close_days > 0:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the reminder must come before the follow-up closes "
                        "as 'no answer'.",
                        step=step.name,
                    )
                )
            if not step._get_actions():
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' does nothing: schedule an activity, send an e-mail, "
                        "ask for a rating, give a gift, or several of them.",
                        step=step.name,
                    )
                )
            if step.send_mail and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' sends an e-mail: choose its template.", step=step.name
                    )
                )
            if step.responsible_type == "other" and not step.responsible_id:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' is assigned to a fixed user: choose the user.",
                        step=step.name,
                    )
                )
            if step.working_days and (
                step.delay_unit != "days" or step.delay_from != "after_plan_date"
            ):
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': working days can only count a delay in days.",
                        step=step.name,
                    )
                )

    def _get_actions(self):
        """What this step does when it is carried out (codes; empty: nothing)."""
        self.ensure_one()
        return {
            action
            for action, does in (
                ("activity", self.create_activity),
                ("mail", self.send_mail),
                ("rating", self.ask_rating),
            )
            if does
        }

    def _get_model_error(self, used_only=False):
        """What is wrong with the models of this step's e-mail template and
        activity type (both must be for sales orders), or False. Checked when the
        step is saved, and again when it runs (``used_only``: what the step uses),
        as a template may change later."""
        self.ensure_one()
        template = self.mail_template_id
        if (self.send_mail or not used_only) and template and template.model != "sale.order":
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the e-mail template '%(template)s' is "
                "written for %(model)s records, not for sales orders; choose a sales order "
                "template.",
                step=self.name,
                plan=self.plan_id.name,
                template=template.name,
                model=template.model,
            )
        activity_type = self.activity_type_id
        if (self.create_activity or not used_only) and activity_type.res_model not in (
            False,
            "sale.order",
        ):
            return self.env._(
                "Step '%(step)s' of plan '%(plan)s': the activity type '%(type)s' is for "
                "%(model)s records, not for sales orders; choose a type for sales orders or "
                "for any record.",
                step=self.name,
                plan=self.plan_id.name,
                type=activity_type.name,
                model=activity_type.res_model,
            )
        return False

    def _check_delay_vals(self, vals):
        """Refuse a delay PostgreSQL cannot even store, before it tries to."""
        delay = vals.get("delay_count")
        if isinstance(delay, int | float) and abs(delay) > max(MAX_DELAY.values()):
            unit = vals.get("delay_unit") or (self[:1].delay_unit if self else "days")
            self._raise_delay_too_long(vals.get("name") or self[:1].name or "", delay, unit)

    @api.model
    def _raise_delay_too_long(self, name, delay, unit):
        units = dict(self._fields["delay_unit"]._description_selection(self.env))
        raise ValidationError(
            self.env._(
                "Step '%(step)s': a delay of %(delay)s %(unit)s is not possible; a step "
                "comes at most ten years (%(max)s %(unit)s) after its trigger.",
                step=name,
                delay=delay,
                unit=units[unit].lower(),
                max=MAX_DELAY[unit],
            )
        )

    def _get_date_deadline(self, base_date, company=None):
        """The date this step is due when its plan is triggered on ``base_date``
        (as ``mail.activity.plan.template._get_date_deadline``, with working days
        of ``company``'s schedule when the step counts them)."""
        self.ensure_one()
        if self.working_days and self.delay_count and company:
            calendar = company.resource_calendar_id
            if calendar:
                # Count from the day after the trigger: the Nth working day after it.
                begin = datetime.combine(base_date + timedelta(days=1), time.min)
                planned = calendar.plan_days(self.delay_count, begin, compute_leaves=True)
                if planned:
                    return planned.date()
        delta = relativedelta(**{self.delay_unit: self.delay_count})
        try:
            if self.delay_from == "before_plan_date":
                return base_date - delta
            return base_date + delta
        except (OverflowError, ValueError) as error:
            raise UserError(
                self.env._(
                    "Step '%(step)s' would fall outside the dates Odoo can store, counting "
                    "from %(start)s: choose another start date.",
                    step=self.name,
                    start=base_date,
                )
            ) from error

    def _get_equipment_planned_date(self, due, company):
        """When this step is due for a piece of equipment whose maintenance (or
        warranty end) is on ``due``. A recurring maintenance step comes on the
        maintenance date, or its delay before it ("before the trigger"); its
        delay after the trigger only serves orders without equipment."""
        self.ensure_one()
        if self.plan_id.trigger in EQUIPMENT_TRIGGERS or self.delay_from == "before_plan_date":
            return self._get_date_deadline(due, company)
        return due

    def _determine_responsible(self, on_demand_responsible, applied_on_record, exclude=None):
        """Who gets this step's activity for the order ``applied_on_record``
        (as ``mail.activity.plan.template._determine_responsible``): the first of
        the step's candidates (``on_demand_responsible`` first, when given) who
        is an active internal user of the order's company and not in ``exclude``.

        :returns: ``{"responsible": res.users, "error": str or False}``
        """
        self.ensure_one()
        order = applied_on_record
        candidates = [on_demand_responsible, *self._get_assignee_candidates(order)]
        for user in candidates:
            if user and not (exclude and user in exclude):
                if self._is_valid_assignee(user, order.company_id):
                    return {"responsible": user, "error": False}
        return {
            "responsible": self.env["res.users"],
            "error": self.env._(
                "Nobody can be assigned to step '%(step)s' for %(order)s: its candidates "
                "(%(candidates)s) are missing, archived or not users of %(company)s.",
                step=self.name,
                order=order.name,
                candidates=", ".join(u.name for u in dict.fromkeys(filter(None, candidates)))
                or self.env._("none"),
                company=order.company_id.name,
            ),
        }

    def _get_assignee_candidates(self, order):
        """Who gets this step's activity for ``order``, in order of preference."""
        self.ensure_one()
        salesperson = order.user_id
        if self.responsible_type == "other":
            return [self.responsible_id, self.plan_id.user_id, salesperson]
        if self.responsible_type == "plan_responsible":
            return [self.plan_id.user_id, salesperson]
        if self.responsible_type == "service_responsible":
            return [order.service_user_id, order.company_id.handover_default_user_id, salesperson]
        return [salesperson, self.plan_id.user_id]

    @api.model
    def _is_valid_assignee(self, user, company):
        """Only active internal users of the order's company get follow-ups."""
        return bool(user) and user.active and not user.share and company in user.company_ids
