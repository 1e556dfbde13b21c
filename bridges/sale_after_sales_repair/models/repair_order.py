from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import is_html_empty

# Who sees the customer's equipment and cases: the service department and the
# salespeople. A technician with Repair rights only does not see those fields.
SERVICE_GROUPS = "sale_after_sales.group_after_sales_user,sales_team.group_sale_salesman"
OPEN_REPAIR_STATES = ("draft", "confirmed", "under_repair")


class RepairOrder(models.Model):
    _inherit = "repair.order"

    service_equipment_id = fields.Many2one(
        "service.equipment",
        string="Equipment",
        compute="_compute_service_equipment_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        tracking=True,
        groups=SERVICE_GROUPS,
        domain="[('product_id', '=?', product_id)]",
        help="The customer's piece of equipment under repair (found from the serial number "
        "when there is one): the repair is written into its service history when done.",
    )
    service_case_id = fields.Many2one(
        "service.history",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        tracking=True,
        groups=SERVICE_GROUPS,
        domain="[('is_case', '=', True), ('case_state', 'in', ('open', 'in_progress'))]",
        help="The complaint or repair case this repair answers: the case is resolved when "
        "its last open repair is done.",
    )

    @api.model
    def default_get(self, fields):
        """A repair opened from a piece or a case (``default_service_equipment_id``,
        ``default_service_case_id``) comes with its customer, product, serial
        number and warranty. (Those keys, unlike ``default_product_id``, do
        not leak into the parts created from the repair's form.)"""
        res = super().default_get(fields)
        case = self.env["service.history"].browse(
            res.get("service_case_id") or self.env.context.get("default_service_case_id")
        )
        piece = (
            self.env["service.equipment"].browse(
                res.get("service_equipment_id")
                or self.env.context.get("default_service_equipment_id")
            )
            or case.equipment_id
        )
        if piece or case:
            values = self._prepare_service_repair_defaults(piece, case)
            res.update(
                {
                    name: value
                    for name, value in values.items()
                    if name in fields and name not in res
                }
            )
        return res

    @api.depends("lot_id", "product_id")
    def _compute_service_equipment_id(self):
        """The piece of the repaired serial number (its lot, or its serial
        typed on the piece), else the piece chosen if it is this product."""
        pieces = self._find_service_equipment()
        for repair in self:
            piece = pieces.get(repair)
            if piece:
                repair.service_equipment_id = piece
            elif repair.service_equipment_id.product_id != repair.product_id:
                repair.service_equipment_id = False
            else:
                repair.service_equipment_id = repair.service_equipment_id

    @api.onchange("service_equipment_id")
    def _onchange_service_equipment_id(self):
        piece = self.service_equipment_id
        if piece:
            for name, value in self._prepare_service_equipment_values(piece).items():
                if name != "lot_id" or value:
                    self[name] = value

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        repairs = super().create(vals_list)
        repairs._start_service_cases()
        return repairs

    def write(self, vals):
        result = super().write(vals)
        if vals.get("service_case_id"):
            self._start_service_cases()
        return result

    # === ACTION METHODS ===

    def action_repair_done(self):
        """A repair done is written into the customer's service history (one
        batch for the repairs ended together), and answers its case."""
        repairing = self.filtered(lambda r: r.state != "done")
        result = super().action_repair_done()
        repairing.filtered(lambda r: r.state == "done")._log_service_repair()
        return result

    def action_view_service_equipment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.equipment",
            "view_mode": "form",
            "res_id": self.service_equipment_id.id,
        }

    def action_view_service_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.history",
            "view_mode": "form",
            "res_id": self.service_case_id.id,
        }

    @api.model
    def _action_create_from_service(self, piece=None, case=None):
        """The form of a new repair order of ``piece`` (or of the piece of
        ``case``), answering ``case``: filled in by ``default_get``."""
        self.check_access("create")  # a clear refusal for a user without Repair rights
        if case:
            piece = piece or case.equipment_id
        context = {"default_service_equipment_id": piece.id if piece else False}
        if case:
            context["default_service_case_id"] = case.id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create Repair"),
            "res_model": "repair.order",
            "view_mode": "form",
            "views": [(self.env.ref("repair.view_repair_order_form").id, "form")],
            "target": "current",
            "context": context,
        }

    # === BUSINESS METHODS ===

    def _find_service_equipment(self):
        """``{repair: piece}``: the pieces of the repairs' serial numbers, in
        one query, by the piece's lot (known when the Inventory bridge is
        installed) or its serial number typed for the product."""
        repairs = self.filtered(lambda r: r.lot_id and r.product_id)
        if not repairs:
            return {}
        Equipment = self.env["service.equipment"]
        domain = Domain("serial_number", "in", repairs.lot_id.mapped("name")) & Domain(
            "product_id", "in", repairs.product_id.ids
        )
        if "lot_id" in Equipment._fields:
            domain |= Domain("lot_id", "in", repairs.lot_id.ids)
        domain &= Domain("company_id", "in", repairs.company_id.ids)
        # In service first: a retired piece keeps its serial in its history.
        pieces = Equipment.search(domain, order="state, id desc")
        found = {}
        for repair in repairs:
            piece = next(
                (
                    piece
                    for piece in pieces
                    if piece.company_id == repair.company_id and piece._is_lot(repair.lot_id)
                ),
                None,
            )
            if piece:
                found[repair] = piece
        return found

    @api.model
    def _prepare_service_equipment_values(self, piece):
        """The repair's values that come from the piece under repair."""
        return {
            "partner_id": piece.partner_id.id,
            "product_id": piece.product_id.id,
            "lot_id": piece._get_repair_lot().id,
            "under_warranty": piece.warranty_state in ("under", "expiring"),
        }

    @api.model
    def _prepare_service_repair_defaults(self, piece, case):
        """The default values of a repair of ``piece`` answering ``case``
        (either may be empty)."""
        values = {}
        if piece:
            values.update(
                self._prepare_service_equipment_values(piece), service_equipment_id=piece.id
            )
        elif case:
            values["partner_id"] = case.partner_id.id
            if case.product_id.type == "consu":
                values["product_id"] = case.product_id.id
        if case:
            values["service_case_id"] = case.id
            notes = Markup("<p><strong>%s</strong></p>") % case.summary
            if not is_html_empty(case.description):
                notes += case.description
            values["internal_notes"] = notes
        if not values.get("lot_id"):
            values.pop("lot_id", None)
        return values

    def _log_service_repair(self):
        """Write the Repair entries of these repairs, done, in one batch, and
        resolve the cases they were the last open repair of.

        The technician who ends a repair may have no right on the service
        history (Repair rights only): the entries and the case's resolution
        are the system's record of his work, hence ``sudo``; ``_log`` keeps
        him as their creator."""
        repairs = self.sudo()
        vals_list = [
            repair._prepare_service_history_vals()
            for repair in repairs
            if repair.partner_id or repair.service_equipment_id
        ]
        if vals_list:
            # The entries record a repair done, not a case to handle: their
            # case fields, which only the workflow writes, stay empty.
            self.env["service.history"]._workflow()._log("repair", vals_list)
        repairs._resolve_service_cases()

    def _start_service_cases(self):
        """A repair order answers its case: the open case is in progress (the
        customer sees it so in the portal), handled by whoever made the repair
        when it had no owner. The technician may have no right on cases
        (Repair rights only): the case follows its repair, hence ``sudo``."""
        cases = self.sudo().service_case_id.filtered(lambda c: c.case_state == "open")
        if cases:
            cases.action_case_start()

    def _resolve_service_cases(self):
        """Resolve the open cases of these repairs, done, that have no other
        repair still open (a cancelled one does not count): what their
        repairs did is the case's resolution, after what was written in it."""
        cases = self.service_case_id.filtered(lambda c: c.case_state in ("open", "in_progress"))
        if not cases:
            return
        still_open = {
            case
            for [case] in self.env["repair.order"]._read_group(
                [("service_case_id", "in", cases.ids), ("state", "in", OPEN_REPAIR_STATES)],
                ["service_case_id"],
            )
        }
        cases = cases.filtered(lambda c: c not in still_open)
        if not cases:
            return
        done = self.env["repair.order"].search(
            [("service_case_id", "in", cases.ids), ("state", "=", "done")], order="id"
        )
        for case, repairs in done.grouped("service_case_id").items():
            text = Markup().join(repair._get_service_repair_description() for repair in repairs)
            case.resolution = (
                text if is_html_empty(case.resolution) else Markup(case.resolution) + text
            )
        cases.action_case_resolve()

    def _prepare_service_history_vals(self):
        """The Repair entry of this repair, done: on its customer and piece,
        what was repaired (for the customer) and its internal notes (not for
        him), who repaired it, the case it answers."""
        self.ensure_one()
        piece = self.service_equipment_id
        subject = piece.display_name or self.product_id.display_name
        partner = self.partner_id
        if piece and partner.commercial_partner_id != piece.commercial_partner_id:
            partner = piece.partner_id  # the piece's history is its owner's
        return {
            "date": fields.Datetime.now(),
            "partner_id": partner.id,
            "equipment_id": piece.id,
            "product_id": self.product_id.id or piece.product_id.id,
            "summary": (
                self.env._("Repair %(name)s: %(subject)s", name=self.name, subject=subject)
                if subject
                else self.env._("Repair %(name)s", name=self.name)
            ),
            "description": self._get_service_repair_description(),
            "repair_internal_notes": (
                False if is_html_empty(self.internal_notes) else self.internal_notes
            ),
            "user_id": (self.user_id or self.env.user).id,
            "repair_id": self.id,
            "repair_case_id": self.service_case_id.id,
            "company_id": self.company_id.id,
            "case_state": False,
            "deadline": False,
        }

    def _get_service_repair_description(self):
        """What was repaired, as the customer may read it: the product and
        serial number, the warranty, the parts added, removed or recycled,
        the services of the repair's quotation. Never the internal notes."""
        self.ensure_one()
        what = self.product_id.display_name or self.service_equipment_id.display_name
        if what and self.lot_id:
            what = self.env._(
                "%(product)s, serial number %(serial)s", product=what, serial=self.lot_id.name
            )
        if not what:
            intro = self.env._("%(name)s: repaired.", name=self.name)
        elif self.under_warranty:
            intro = self.env._(
                "%(name)s: %(what)s, repaired under warranty.", name=self.name, what=what
            )
        else:
            intro = self.env._("%(name)s: %(what)s, repaired.", name=self.name, what=what)
        lines = self._get_service_repair_lines()
        html = Markup("<p>%s</p>") % intro
        if lines:
            html += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % line for line in lines
            )
        return html

    def _get_service_repair_lines(self):
        """One line per part (its operation: added, removed, recycled) and per
        service of the repair's quotation."""
        self.ensure_one()
        labels = {
            "add": self.env._("Added"),
            "remove": self.env._("Removed"),
            "recycle": self.env._("Recycled"),
        }
        lines = []
        for move in self.move_ids.filtered(lambda m: m.state != "cancel"):
            quantity = move.quantity or move.product_uom_qty
            lines.append(
                self.env._(
                    "%(operation)s: %(quantity)s %(unit)s %(product)s",
                    operation=labels.get(move.repair_line_type, move.repair_line_type or ""),
                    quantity=f"{quantity:g}",
                    unit=move.product_uom.name,
                    product=move.product_id.display_name,
                )
            )
        services = self.sale_order_id.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == "service"
        )
        for line in services:
            lines.append(
                self.env._(
                    "Service: %(quantity)s %(unit)s %(product)s",
                    quantity=f"{line.product_uom_qty:g}",
                    unit=line.product_uom_id.name,
                    product=line.product_id.display_name,
                )
            )
        return lines
