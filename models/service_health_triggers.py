"""What changes a customer's service health: his ratings and cases (service
history), his follow-ups, his equipment's dates and his orders. Each marks
his entity for a recompute after the commit (res.partner._mark_health_dirty):
a set of ids per transaction, computed as one batch."""

from odoo import api, models

# Fields whose change moves the health, per model.
HISTORY_HEALTH_FIELDS = frozenset(
    {"partner_id", "type_id", "case_state", "satisfaction", "date", "company_id"}
)
FOLLOWUP_HEALTH_FIELDS = frozenset({"state", "planned_date"})
# Follow-up states the health counts alike (open, not failed): a follow-up
# moving between them (planned, then due once carried out) leaves it as it was.
FOLLOWUP_OPEN_HEALTHY_STATES = frozenset({"planned", "waiting", "due"})
EQUIPMENT_HEALTH_FIELDS = frozenset(
    {
        "partner_id",
        "state",
        "date_start",
        "warranty_end",
        "warranty_months",
        "warranty_extension_months",
        "last_maintenance_date",
        "next_maintenance_date",
        "maintenance_months",
    }
)


class ServiceHistory(models.Model):
    _inherit = "service.history"

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries.commercial_partner_id._mark_health_dirty()
        return entries

    def write(self, vals):
        if "partner_id" in vals:
            self.commercial_partner_id._mark_health_dirty()  # the customer it leaves
        result = super().write(vals)
        if HISTORY_HEALTH_FIELDS & vals.keys():
            self.commercial_partner_id._mark_health_dirty()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_mark_health_dirty(self):
        self.commercial_partner_id._mark_health_dirty()


class ServiceFollowup(models.Model):
    _inherit = "service.followup"

    def write(self, vals):
        changed = self.browse()
        if "planned_date" in vals or vals.get("state") not in (
            None,
            *FOLLOWUP_OPEN_HEALTHY_STATES,
        ):
            changed = self
        elif "state" in vals:
            # The scheduled action carrying out a batch (planned to due) moves
            # no customer's health: only those leaving a failed or closed state.
            changed = self.filtered(lambda f: f.state not in FOLLOWUP_OPEN_HEALTHY_STATES)
        result = super().write(vals)
        changed.commercial_partner_id._mark_health_dirty()
        return result


class ServiceEquipment(models.Model):
    _inherit = "service.equipment"

    @api.model_create_multi
    def create(self, vals_list):
        pieces = super().create(vals_list)
        pieces.commercial_partner_id._mark_health_dirty()
        return pieces

    def write(self, vals):
        result = super().write(vals)
        if EQUIPMENT_HEALTH_FIELDS & vals.keys():
            self.commercial_partner_id._mark_health_dirty()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_mark_health_dirty(self):
        self.commercial_partner_id._mark_health_dirty()


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            # Confirmed (repeat purchases), cancelled, or an offer answered.
            self.partner_id.commercial_partner_id._mark_health_dirty()
        return result
