"""The weights and thresholds of the customers' service health (Settings >
After-Sales > Customer Health), per company, with the defaults the README
documents."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Fields that count points (0 to 100) and days (1 to 3650).
HEALTH_POINT_FIELDS = (
    "health_base_score",
    "health_threshold",
    "health_watch_threshold",
    "health_happy_weight",
    "health_unhappy_weight",
    "health_complaint_weight",
    "health_complaint_late_weight",
    "health_followup_weight",
    "health_maintenance_weight",
    "health_warranty_weight",
    "health_contact_weight",
    "health_repeat_weight",
)
HEALTH_DAY_FIELDS = (
    "health_rating_days",
    "health_complaint_late_days",
    "health_warranty_days",
    "health_contact_days",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    health_base_score = fields.Integer(
        default=80,
        help="A customer's score before any factor: factors add or take points from it.",
    )
    health_threshold = fields.Integer(
        string="At Risk Below",
        default=50,
        help="A customer whose score is below this is at risk: his salesperson gets an "
        "activity once each time he falls below it.",
    )
    health_watch_threshold = fields.Integer(
        string="To Watch Below",
        default=70,
        help="A customer whose score is below this (and not at risk) is to watch.",
    )
    health_rating_days = fields.Integer(
        string="Ratings Count For (Days)",
        default=90,
        help="The customer's last rating counts when it is this recent.",
    )
    health_happy_weight = fields.Integer(
        string="Happy Rating",
        default=10,
        help="Points added when his last recent rating is satisfied or very satisfied.",
    )
    health_unhappy_weight = fields.Integer(
        string="Unhappy Rating",
        default=20,
        help="Points taken when his last recent rating is at or below the complaint threshold.",
    )
    health_complaint_weight = fields.Integer(
        string="Open Complaint",
        default=25,
        help="Points taken per open complaint (three at most).",
    )
    health_complaint_late_days = fields.Integer(
        string="Complaint Old After (Days)",
        default=14,
        help="A complaint open longer than this takes the points below too.",
    )
    health_complaint_late_weight = fields.Integer(
        string="Old Complaint",
        default=10,
        help="Points taken when his oldest open complaint is older than the days above.",
    )
    health_followup_weight = fields.Integer(
        string="Follow-up Failed or Overdue",
        default=10,
        help="Points taken per follow-up failed or past its date (three at most).",
    )
    health_maintenance_weight = fields.Integer(
        string="Maintenance Overdue",
        default=15,
        help="Points taken per piece in service whose maintenance is overdue (three at most).",
    )
    health_warranty_days = fields.Integer(
        string="Warranty Ended Within (Days)",
        default=90,
        help="A warranty that ended this recently without an offer or an extension counts.",
    )
    health_warranty_weight = fields.Integer(
        string="Warranty Ended, No Offer",
        default=10,
        help="Points taken when a piece's warranty ended recently and no offer or extension "
        "was made for it.",
    )
    health_contact_days = fields.Integer(
        string="No Contact For (Days)",
        default=180,
        help="A customer without any service contact for this long loses the points below.",
    )
    health_contact_weight = fields.Integer(
        string="No Recent Contact",
        default=10,
        help="Points taken when his last service contact is older than the days above.",
    )
    health_repeat_weight = fields.Integer(
        string="Repeat Purchases",
        default=10,
        help="Points added when he confirmed more than one order.",
    )

    @api.constrains(*HEALTH_POINT_FIELDS, *HEALTH_DAY_FIELDS)
    def _check_health_settings(self):
        for company in self:
            if any(not 0 <= company[name] <= 100 for name in HEALTH_POINT_FIELDS):
                raise ValidationError(
                    self.env._("The customer health scores and points are from 0 to 100.")
                )
            if any(not 1 <= company[name] <= 3650 for name in HEALTH_DAY_FIELDS):
                raise ValidationError(
                    self.env._("The customer health periods are from 1 to 3650 days.")
                )
            if company.health_threshold > company.health_watch_threshold:
                raise ValidationError(
                    self.env._(
                        "A customer is at risk below a lower score than the one he is to "
                        "watch below (%(risk)s > %(watch)s).",
                        risk=company.health_threshold,
                        watch=company.health_watch_threshold,
                    )
                )
