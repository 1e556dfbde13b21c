from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    handover_auto_start = fields.Boolean(related="company_id.handover_auto_start", readonly=False)
    handover_default_user_id = fields.Many2one(
        related="company_id.handover_default_user_id", readonly=False
    )
    handover_reminder_days = fields.Integer(
        related="company_id.handover_reminder_days", readonly=False
    )
    handover_allow_uninvoiced = fields.Boolean(
        related="company_id.handover_allow_uninvoiced", readonly=False
    )
    equipment_start = fields.Selection(related="company_id.equipment_start", readonly=False)
    equipment_warranty_warning_days = fields.Integer(
        related="company_id.equipment_warranty_warning_days", readonly=False
    )
    complaint_threshold = fields.Selection(related="company_id.complaint_threshold", readonly=False)
    complaint_deadline_days = fields.Integer(
        related="company_id.complaint_deadline_days", readonly=False
    )
    portal_request_limit = fields.Integer(related="company_id.portal_request_limit", readonly=False)
