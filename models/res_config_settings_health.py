"""The customer health settings (res_company_health.py) in Settings > After-Sales."""

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    health_base_score = fields.Integer(related="company_id.health_base_score", readonly=False)
    health_threshold = fields.Integer(related="company_id.health_threshold", readonly=False)
    health_watch_threshold = fields.Integer(
        related="company_id.health_watch_threshold", readonly=False
    )
    health_rating_days = fields.Integer(related="company_id.health_rating_days", readonly=False)
    health_happy_weight = fields.Integer(related="company_id.health_happy_weight", readonly=False)
    health_unhappy_weight = fields.Integer(
        related="company_id.health_unhappy_weight", readonly=False
    )
    health_complaint_weight = fields.Integer(
        related="company_id.health_complaint_weight", readonly=False
    )
    health_complaint_late_days = fields.Integer(
        related="company_id.health_complaint_late_days", readonly=False
    )
    health_complaint_late_weight = fields.Integer(
        related="company_id.health_complaint_late_weight", readonly=False
    )
    health_followup_weight = fields.Integer(
        related="company_id.health_followup_weight", readonly=False
    )
    health_maintenance_weight = fields.Integer(
        related="company_id.health_maintenance_weight", readonly=False
    )
    health_warranty_days = fields.Integer(related="company_id.health_warranty_days", readonly=False)
    health_warranty_weight = fields.Integer(
        related="company_id.health_warranty_weight", readonly=False
    )
    health_contact_days = fields.Integer(related="company_id.health_contact_days", readonly=False)
    health_contact_weight = fields.Integer(
        related="company_id.health_contact_weight", readonly=False
    )
    health_repeat_weight = fields.Integer(related="company_id.health_repeat_weight", readonly=False)
