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
]


class ServiceFollowupPlan(models.Model):
    _name = "service.followup.plan"
    _inherit = ["service.order.filter.mixin"]
    _description = "After-Sales Follow-up Plan"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to use the plan in every company.",
    )
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
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="Leave empty for every sales team.",
    )
    order_domain = fields.Char(
        string="Orders",
        default="[]",
        help="Only orders matching this filter get the follow-ups.",
    )
    step_ids = fields.One2many("service.followup.plan.step", "plan_id", string="Steps", copy=True)

    @api.constrains("order_domain")
    def _check_order_domain(self):
        for plan in self:
            if error := plan._get_order_domain_error():
                raise ValidationError(
                    self.env._(
                        "The order filter of plan '%(plan)s' is not valid: %(error)s",
                        plan=plan.name,
                        error=error,
                    )
                ) from error

    def _filter_orders(self, orders):
        """The orders among ``orders`` that this plan applies to."""
        self.ensure_one()
        orders = orders.filtered(lambda o: not self.company_id or o.company_id == self.company_id)
        if self.team_ids:
            orders = orders.filtered(lambda o: o.team_id in self.team_ids)
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
        if orders and (self.order_domain or "[]") != "[]":
            orders = orders.filtered_domain(self._get_order_domain())
        return orders


class ServiceFollowupPlanStep(models.Model):
    _name = "service.followup.plan.step"
    _description = "After-Sales Follow-up Step"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "service.followup.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    delay = fields.Integer(default=0, help="How long after the trigger the step is due.")
    delay_unit = fields.Selection(
        [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")],
        required=True,
        default="days",
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
    activity_summary = fields.Char(translate=True)
    activity_note = fields.Html(translate=True)
    send_mail = fields.Boolean(string="Send an E-mail")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'sale.order')]",
    )
    assign_to = fields.Selection(
        [
            ("salesperson", "Salesperson of the order"),
            ("service_responsible", "Service responsible of the order"),
            ("user", "A fixed user"),
            ("plan_responsible", "Responsible of the plan"),
        ],
        required=True,
        default="salesperson",
    )
    user_id = fields.Many2one("res.users", domain="[('share', '=', False)]")

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
        "assign_to",
        "user_id",
        "delay",
        "delay_unit",
        "working_days",
    )
    def _check_step(self):
        for step in self:
            if step.delay < 0:
                raise ValidationError(
                    self.env._("Step '%(step)s': the delay cannot be negative.", step=step.name)
                )
            if step.delay > MAX_DELAY[step.delay_unit]:
                step._raise_delay_too_long(step.name, step.delay, step.delay_unit)
            if step.mail_template_id and step.mail_template_id.model != "sale.order":
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the e-mail template '%(template)s' is written for "
                        "%(model)s records; a follow-up e-mail needs a sales order template.",
                        step=step.name,
                        template=step.mail_template_id.name,
                        model=step.mail_template_id.model,
                    )
                )
            if step.activity_type_id.res_model not in (False, "sale.order"):
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the activity type '%(type)s' is for %(model)s "
                        "records; choose a type for sales orders or for any record.",
                        step=step.name,
                        type=step.activity_type_id.name,
                        model=step.activity_type_id.res_model,
                    )
                )
            if not step.create_activity and not step.send_mail:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' does nothing: schedule an activity, send an e-mail, "
                        "or both.",
                        step=step.name,
                    )
                )
            if step.send_mail and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' sends an e-mail: choose its template.", step=step.name
                    )
                )
            if step.assign_to == "user" and not step.user_id:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' is assigned to a fixed user: choose the user.",
                        step=step.name,
                    )
                )
            if step.working_days and step.delay_unit != "days":
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': working days can only count a delay in days.",
                        step=step.name,
                    )
                )

    def _check_delay_vals(self, vals):
        """Refuse a delay PostgreSQL cannot even store, before it tries to."""
        delay = vals.get("delay")
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

    def _get_planned_date(self, start, company):
        """The date this step is due when its plan is triggered on ``start`` (a date)."""
        self.ensure_one()
        if self.working_days and self.delay:
            calendar = company.resource_calendar_id
            if calendar:
                # Count from the day after the trigger: the Nth working day after it.
                begin = datetime.combine(start + timedelta(days=1), time.min)
                planned = calendar.plan_days(self.delay, begin, compute_leaves=True)
                if planned:
                    return planned.date()
        try:
            return start + relativedelta(**{self.delay_unit: self.delay})
        except (OverflowError, ValueError) as error:
            raise UserError(
                self.env._(
                    "Step '%(step)s' would fall after the last date Odoo can store, counting "
                    "from %(start)s: choose an earlier start date.",
                    step=self.name,
                    start=start,
                )
            ) from error

    def _get_assignee(self, order, exclude=None):
        """The user who gets this step's activity for ``order``: the first of
        the step's candidates who is an active internal user of the order's
        company and not in ``exclude`` (an empty recordset when there is none)."""
        self.ensure_one()
        for user in self._get_assignee_candidates(order):
            if exclude and user in exclude:
                continue
            if self._is_valid_assignee(user, order.company_id):
                return user
        return self.env["res.users"]

    def _get_assignee_candidates(self, order):
        """Who gets this step's activity for ``order``, in order of preference."""
        self.ensure_one()
        salesperson = order.user_id
        if self.assign_to == "user":
            return [self.user_id, self.plan_id.user_id, salesperson]
        if self.assign_to == "plan_responsible":
            return [self.plan_id.user_id, salesperson]
        if self.assign_to == "service_responsible":
            return [order.service_user_id, order.company_id.handover_default_user_id, salesperson]
        return [salesperson, self.plan_id.user_id]

    @api.model
    def _is_valid_assignee(self, user, company):
        """Only active internal users of the order's company get follow-ups."""
        return bool(user) and user.active and not user.share and company in user.company_ids
