import re

from markupsafe import Markup

from odoo import api, fields, models

ICON_CLASS = re.compile(r"^fa-[a-z0-9-]+$")


class ServiceHistoryType(models.Model):
    _name = "service.history.type"
    _description = "Service Contact Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        readonly=True,
        copy=False,
        help="Technical code by which the module writes entries of this type "
        "(sale, handover, follow-up...). Empty for types added by users.",
    )
    sequence = fields.Integer(default=10)
    icon = fields.Char(
        default="fa-comments",
        help="Font Awesome icon shown on the history, e.g. fa-wrench.",
    )
    icon_preview = fields.Html(compute="_compute_icon_preview", sanitize=False)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    is_case = fields.Boolean(
        string="Needs Handling",
        help="Entries of this type are cases (a complaint, a repair, a service request): "
        "they have an owner, a deadline, a state and a resolution.",
    )
    portal_visible = fields.Boolean(
        string="Visible to the Customer",
        help="Entries of this type show in the customer portal (unless unticked on the entry).",
    )
    history_count = fields.Integer(compute="_compute_history_count")

    _code_unique = models.Constraint(
        "UNIQUE(code)",
        "A service contact type with this code already exists.",
    )

    @api.depends("icon")
    def _compute_icon_preview(self):
        for history_type in self:
            icon = (history_type.icon or "").strip()
            # Only a Font Awesome class name reaches the markup.
            history_type.icon_preview = (
                Markup('<i class="fa fa-fw %s" title="%s"/>') % (icon, icon)
                if ICON_CLASS.match(icon)
                else False
            )

    def _compute_history_count(self):
        counts = dict(
            self.env["service.history"]._read_group(
                [("type_id", "in", self.ids)], ["type_id"], ["__count"]
            )
        )
        for history_type in self:
            history_type.history_count = counts.get(history_type, 0)

    @api.model
    def _get_by_code(self, code):
        """Return the type with technical ``code`` (archived ones included)."""
        return self.with_context(active_test=False).search([("code", "=", code)], limit=1)
