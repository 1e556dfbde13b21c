from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_HANDOVER_REMINDER_DAYS = 365
MAX_PORTAL_REQUEST_LIMIT = 1000


class ResCompany(models.Model):
    _inherit = "res.company"

    handover_auto_start = fields.Boolean(
        string="Start Handover on Confirmation",
        help="Confirming an order starts its handover checks at once.",
    )
    handover_default_user_id = fields.Many2one(
        "res.users",
        string="Default Service Responsible",
        check_company=True,
        help="Gets the handover activity of orders without a service responsible.",
    )
    handover_reminder_days = fields.Integer(
        string="Handover Reminder Delay",
        default=3,
        help="Remind the salesperson of a confirmed order not handed over after this many days.",
    )
    equipment_start = fields.Selection(
        [
            ("order_confirmed", "Order confirmation"),
            ("handover_accepted", "Handover accepted by the service department"),
            ("manual", "Typed by hand for each piece"),
        ],
        string="Equipment in Service From",
        default="order_confirmed",
        required=True,
        help="The date the warranty and the maintenance of new equipment count from.",
    )
    equipment_warranty_warning_days = fields.Integer(
        string="Warranty Expiring Within",
        default=30,
        help="Equipment whose warranty ends within this many days shows as expiring.",
    )
    complaint_threshold = fields.Selection(
        [
            ("1", "1 star (very dissatisfied)"),
            ("2", "2 stars (dissatisfied)"),
            ("3", "3 stars (neutral)"),
        ],
        string="Complaint at or Below",
        default="2",
        required=True,
        help="A follow-up closed with this satisfaction or less, rated by the customer or "
        "typed by staff, opens a complaint case.",
    )
    complaint_deadline_days = fields.Integer(
        string="Cases Resolved Within",
        default=2,
        help="The deadline of a new case, in days.",
    )
    handover_allow_uninvoiced = fields.Boolean(
        string="Hand Over Orders Not Invoiced Yet",
        default=True,
        help="The invoice price check passes when nothing is invoiced yet.",
    )

    portal_request_limit = fields.Integer(
        string="Portal Requests per Hour",
        default=10,
        help="How many service requests one customer (his company and its contacts together) "
        "may send from the portal in an hour; beyond it he is asked to wait or call "
        "(0: no limit).",
    )

    @api.constrains("handover_default_user_id")
    def _check_handover_default_user_id(self):
        for company in self.filtered("handover_default_user_id"):
            if company not in company.handover_default_user_id.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the default service responsible of %(company)s: "
                        "he is not a user of that company.",
                        user=company.handover_default_user_id.name,
                        company=company.name,
                    )
                )

    @api.constrains("equipment_warranty_warning_days")
    def _check_equipment_warranty_warning_days(self):
        for company in self:
            if not 0 <= company.equipment_warranty_warning_days <= 365:
                raise ValidationError(
                    self.env._("The warranty warning is a number of days from 0 to 365.")
                )

    @api.constrains("complaint_deadline_days")
    def _check_complaint_deadline_days(self):
        for company in self:
            if not 0 <= company.complaint_deadline_days <= 365:
                raise ValidationError(self.env._("Cases are resolved within 0 to 365 days."))

    @api.constrains("handover_reminder_days")
    def _check_handover_reminder_days(self):
        for company in self:
            if not 0 <= company.handover_reminder_days <= MAX_HANDOVER_REMINDER_DAYS:
                company._raise_handover_reminder_days()

    @api.constrains("portal_request_limit")
    def _check_portal_request_limit(self):
        for company in self:
            if not 0 <= company.portal_request_limit <= MAX_PORTAL_REQUEST_LIMIT:
                company._raise_portal_request_limit()

    def write(self, vals):
        # Before PostgreSQL refuses a number it cannot store.
        days = vals.get("handover_reminder_days")
        if isinstance(days, int | float) and not 0 <= days <= MAX_HANDOVER_REMINDER_DAYS:
            self._raise_handover_reminder_days()
        limit = vals.get("portal_request_limit")
        if isinstance(limit, int | float) and not 0 <= limit <= MAX_PORTAL_REQUEST_LIMIT:
            self._raise_portal_request_limit()
        return super().write(vals)

    def _raise_portal_request_limit(self):
        raise ValidationError(
            self.env._(
                "The portal requests per hour are a number from 0 (no limit) to %(max)s.",
                max=MAX_PORTAL_REQUEST_LIMIT,
            )
        )

    def _raise_handover_reminder_days(self):
        raise ValidationError(
            self.env._(
                "The handover reminder delay is a number of days from 0 to %(max)s.",
                max=MAX_HANDOVER_REMINDER_DAYS,
            )
        )
