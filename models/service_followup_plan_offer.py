"""Steps that make the customer an offer: a quotation from one of Odoo's
quotation templates (an extended warranty, a maintenance visit, a consumables
kit) for his pieces of equipment whose warranty ends or maintenance is due."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .service_followup_plan import EQUIPMENT_TRIGGERS

MAX_OFFER_WINDOW_DAYS = 366


class ServiceFollowupPlanStep(models.Model):
    _inherit = "service.followup.plan.step"

    offer_template_id = fields.Many2one(
        "sale.order.template",
        string="Offer",
        check_company=True,
        help="Make the customer a quotation from this template for his pieces of equipment "
        "concerned (warranty ends, maintenance due): one quotation for his pieces due in the "
        "step's window, a line per piece, e-mailed with Odoo's quotation e-mail and its "
        "portal link, where he accepts and pays it.",
    )
    offer_window_days = fields.Integer(
        string="Bundle Pieces Due Within (Days)",
        default=30,
        help="The customer's other pieces for which this step is planned within this many "
        "days are offered on the same quotation, never on a second one.",
    )

    @api.constrains("offer_template_id", "offer_window_days", "equipment_recurring", "plan_id")
    def _check_offer(self):
        self._check_step()  # a step whose only action was its offer does nothing
        for step in self.filtered("offer_template_id"):
            if not step._is_equipment_step():
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s' makes an offer for pieces of equipment: it belongs to a "
                        "plan triggered when a warranty ends, or recurs per piece of equipment "
                        "(maintenance due).",
                        step=step.name,
                    )
                )
            if not 0 <= step.offer_window_days <= MAX_OFFER_WINDOW_DAYS:
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': pieces are bundled on one offer within 0 to %(max)s "
                        "days.",
                        step=step.name,
                        max=MAX_OFFER_WINDOW_DAYS,
                    )
                )
            if not step._get_offer_template_lines():
                raise ValidationError(
                    self.env._(
                        "Step '%(step)s': the quotation template '%(template)s' has no product "
                        "line to offer.",
                        step=step.name,
                        template=step.offer_template_id.name,
                    )
                )

    def _get_actions(self):
        actions = super()._get_actions()
        if self.offer_template_id:
            actions.add("offer")
        return actions

    def _is_equipment_step(self):
        """Whether this step is carried out per piece of equipment."""
        self.ensure_one()
        return self.plan_id.trigger in EQUIPMENT_TRIGGERS or self.equipment_recurring

    def _get_offer_template_lines(self):
        """The lines of the step's quotation template that sell something."""
        self.ensure_one()
        return self.offer_template_id.sale_order_template_line_ids.filtered(
            lambda line: not line.display_type and line.product_id
        )

    def _offer_extends_warranty(self):
        """Whether this step's offer sells a warranty extension."""
        self.ensure_one()
        return any(
            product.product_tmpl_id.service_warranty_extension_months
            for product in self._get_offer_template_lines().product_id
        )

    def _get_offer_error(self, company):
        """Why this step cannot make its offer now to a customer of ``company``
        (False when it can): checked when it runs, as the template or its
        products may have changed since."""
        self.ensure_one()
        template = self.offer_template_id.with_context(active_test=False)
        lines = self._get_offer_template_lines()
        archived = lines.product_id.filtered(
            lambda p: not p.active or not p.product_tmpl_id.active or not p.sale_ok
        )
        if not template.active:
            reason = self.env._("is archived")
        elif template.company_id and template.company_id != (company or self.company_id):
            reason = self.env._("belongs to another company")
        elif not lines:
            reason = self.env._("has no product line")
        elif archived:
            reason = self.env._(
                "sells products that are archived or cannot be sold: %(products)s",
                products=", ".join(archived.mapped("display_name")),
            )
        elif not self._is_equipment_step():
            reason = self.env._("is offered by a step that is not about equipment")
        else:
            return False
        return self.env._(
            "Step '%(step)s' of plan '%(plan)s': its quotation template '%(template)s' "
            "%(reason)s. Correct the template or choose another, then retry the follow-up.",
            step=self.name,
            plan=self.plan_id.name,
            template=template.name,
            reason=reason,
        )


class ServiceFollowupPlan(models.Model):
    _inherit = "service.followup.plan"

    @api.constrains("trigger")
    def _check_offer_trigger(self):
        """A plan whose trigger changes keeps its offers on equipment steps."""
        self.step_ids._check_offer()
