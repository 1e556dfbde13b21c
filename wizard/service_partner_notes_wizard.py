from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError


class ServicePartnerNotesWizard(models.TransientModel):
    """The service notes of a customer, for salespeople and service staff to
    write: Odoo lets only contact managers edit contacts."""

    _name = "service.partner.notes.wizard"
    _description = "Edit a Customer's Service Notes"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    service_notes = fields.Html(
        compute="_compute_service_notes", store=True, readonly=False, precompute=True
    )

    @api.depends("partner_id")
    def _compute_service_notes(self):
        for wizard in self:
            wizard.service_notes = wizard.partner_id.commercial_partner_id.service_notes

    def action_save(self):
        self.ensure_one()
        user = self.env.user
        if not (
            user.has_group("sales_team.group_sale_salesman")
            or user.has_group("sale_after_sales.group_after_sales_user")
        ):
            raise AccessError(
                self.env._("Only salespeople and the service department write service notes.")
            )
        entity = self.partner_id.commercial_partner_id
        entity.check_access("read")
        # Only this field of this customer, for users who may not edit contacts.
        entity.sudo().service_notes = self.service_notes
        entity.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._("Service notes updated by %(user)s.", user=user.name),
            subtype_xmlid="mail.mt_note",
            author_id=user.partner_id.id,
        )
        return {"type": "ir.actions.act_window_close"}
