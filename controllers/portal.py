from odoo import http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class AfterSalesPortal(CustomerPortal):
    """The customer's equipment and service in the portal: what he owns, its
    warranty and maintenance, the care advice, the service history he may see,
    his cases and pending ratings, and a form to ask for service.

    Everything is read as the portal user: the record rules give him his own
    company's records only; nothing here is read with sudo on his behalf.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "equipment_count" in counters:
            Equipment = request.env["service.equipment"]
            values["equipment_count"] = (
                Equipment.search_count(self._get_equipment_domain())
                if Equipment.has_access("read")
                else 0
            )
        if "service_case_count" in counters:
            History = request.env["service.history"]
            values["service_case_count"] = (
                History.search_count([("case_state", "in", ("open", "in_progress"))])
                if History.has_access("read")
                else 0
            )
        return values

    def _get_equipment_domain(self):
        return [("state", "=", "in_service")]

    @http.route(
        ["/my/equipment", "/my/equipment/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_equipment(self, page=1, **kw):
        Equipment = request.env["service.equipment"]
        domain = self._get_equipment_domain()
        pager = portal_pager(
            url="/my/equipment",
            total=Equipment.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        equipment = Equipment.search(
            domain, order="name, id", limit=self._items_per_page, offset=pager["offset"]
        )
        return request.render(
            "sale_after_sales.portal_my_equipment",
            {"equipment": equipment, "pager": pager, "page_name": "equipment"},
        )

    @http.route(["/my/equipment/<int:equipment_id>"], type="http", auth="user", website=True)
    def portal_equipment_page(self, equipment_id, **kw):
        equipment = request.env["service.equipment"].browse(equipment_id)
        try:
            equipment.check_access("read")
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not equipment:  # /my/equipment/0
            return request.redirect("/my")
        entries = request.env["service.history"].search(
            [("equipment_id", "=", equipment.id)], limit=50
        )
        return request.render(
            "sale_after_sales.portal_equipment_page",
            {"piece": equipment, "entries": entries, "page_name": "equipment_page"},
        )

    @http.route(["/my/service"], type="http", auth="user", website=True)
    def portal_my_service(self, **kw):
        History = request.env["service.history"]
        Followup = request.env["service.followup"]
        cases = History.search([("case_state", "in", ("open", "in_progress"))])
        entries = History.search([("is_case", "=", False)], limit=50)
        closed_cases = History.search([("case_state", "in", ("resolved", "cancelled"))], limit=20)
        ratings = Followup.search([("answer_state", "=", "waiting"), ("state", "=", "due")])
        return request.render(
            "sale_after_sales.portal_my_service",
            {
                "cases": cases,
                "closed_cases": closed_cases,
                "entries": entries,
                "ratings": ratings,
                "page_name": "service",
            },
        )

    @http.route(
        ["/my/service/request"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_service_request(self, equipment_id=None, kind=None, description=None, **kw):
        History = request.env["service.history"]
        equipment = request.env["service.equipment"]
        if equipment_id:
            try:
                equipment = equipment.browse(int(equipment_id))
                equipment.check_access("read")
            except (AccessError, MissingError, ValueError):
                return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            try:
                # Refused requests leave nothing behind, though the page is
                # rendered (and the transaction committed) with the message.
                with request.env.cr.savepoint():
                    case = History._create_portal_request(
                        kind,
                        description,
                        equipment=equipment or None,
                        files=request.httprequest.files.getlist("attachments"),
                    )
            except ValidationError as exc:
                error = exc.args[0]
            else:
                return request.redirect(f"/my/service/{case.id}?message=created")
        return request.render(
            "sale_after_sales.portal_service_request",
            {
                "piece": equipment,
                "all_equipment": request.env["service.equipment"].search(
                    self._get_equipment_domain()
                ),
                "kinds": History._get_portal_request_kinds(),
                "kind": kind or "repair",
                "description": description or "",
                "error": error,
                "page_name": "service_request",
            },
        )

    @http.route(["/my/service/<int:entry_id>"], type="http", auth="public", website=True)
    def portal_service_entry(self, entry_id, access_token=None, message=None, **kw):
        try:
            entry_sudo = self._document_check_access(
                "service.history", entry_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not entry_sudo.portal_visible:
            return request.redirect("/my")
        values = self._get_page_view_values(
            entry_sudo,
            access_token,
            {"entry": entry_sudo, "message": message, "page_name": "service_entry"},
            "my_service_history",
            False,
        )
        return request.render("sale_after_sales.portal_service_entry", values)
