from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_HANDOVER_REMINDER_DAYS = 365


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
    handover_allow_uninvoiced = fields.Boolean(
        string="Hand Over Orders Not Invoiced Yet",
        default=True,
        help="The invoice price check passes when nothing is invoiced yet.",
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

    @api.constrains("handover_reminder_days")
    def _check_handover_reminder_days(self):
        for company in self:
            if not 0 <= company.handover_reminder_days <= MAX_HANDOVER_REMINDER_DAYS:
                company._raise_handover_reminder_days()

    def write(self, vals):
        days = vals.get("handover_reminder_days")
        if isinstance(days, int | float) and not 0 <= days <= MAX_HANDOVER_REMINDER_DAYS:
            # Before PostgreSQL refuses a number it cannot store.
            self._raise_handover_reminder_days()
        return super().write(vals)

    def _raise_handover_reminder_days(self):
        raise ValidationError(
            self.env._(
                "The handover reminder delay is a number of days from 0 to %(max)s.",
                max=MAX_HANDOVER_REMINDER_DAYS,
            )
        )
