from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    handover_auto_start = fields.Boolean(
        string="Start Handover on Confirmation",
        help="Confirming an order starts its handover checks at once.",
    )
    handover_default_user_id = fields.Many2one(
        "res.users",
        string="Default Service Responsible",
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
